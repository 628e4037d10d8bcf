// DPS service API records (protocol.md §15.6) to and from the emulator's Enrollment: what is honoured, what is
// refused with 400 naming the field, and the answer's shape (keys shown, certificates as info).
package io.rxiothub.emulator.dps.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.dps.Enrollment;
import io.rxiothub.emulator.internal.X509Check;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Parses and writes enrollment records; a bad record throws IllegalArgumentException naming the field. */
public final class EnrollmentJson {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Fields DPS has that the emulator accepts and echoes without applying them. */
  private static final String[] ECHOED = {"allocationPolicy", "reprovisionPolicy", "capabilities",
      "customAllocationDefinition"};

  private EnrollmentJson() {}

  /** A parsed record: the enrollment, its device certificate if one was given, and the fields only echoed. */
  public record Parsed(Enrollment enrollment, @Nullable X509Certificate deviceCertificate, ObjectNode echoed,
      @Nullable String etag) {}

  /**
   * Parses the body of a PUT for {@code kind} and {@code id} (the path's); {@code hubHost} is the only hub the
   * emulator allocates to.
   */
  public static Parsed parse(Enrollment.Kind kind, String id, byte[] body, String hubHost) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the body could not be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object (an enrollment record)");
    }
    String idField = kind == Enrollment.Kind.INDIVIDUAL ? "registrationId" : "enrollmentGroupId";
    String bodyId = text(root, idField);
    if (bodyId != null && !bodyId.equals(id)) {
      throw new IllegalArgumentException(idField + " '" + bodyId + "' differs from the path's '" + id + "'");
    }
    String deviceId = text(root, "deviceId");
    if (kind == Enrollment.Kind.INDIVIDUAL && deviceId != null && !deviceId.equals(id)) {
      throw new IllegalArgumentException("deviceId '" + deviceId + "' differs from the registration id: the"
          + " emulator's devices take the registration id as device id; leave deviceId out");
    }
    String hub = text(root, "iotHubHostName");
    if (hub != null && !hub.equalsIgnoreCase(hubHost)) {
      throw new IllegalArgumentException("iotHubHostName '" + hub + "' is not this emulator's hub '" + hubHost
          + "'; leave it out");
    }
    for (JsonNode named : root.path("iotHubs")) {
      if (!named.asText().equalsIgnoreCase(hubHost)) {
        throw new IllegalArgumentException("iotHubs names '" + named.asText() + "', not this emulator's hub '"
            + hubHost + "'");
      }
    }
    Enrollment.Builder builder = kind == Enrollment.Kind.INDIVIDUAL ? Enrollment.individual(id)
        : Enrollment.group(id);
    X509Certificate device = attestation(kind, root.path("attestation"), builder);
    String status = text(root, "provisioningStatus");
    if (status != null && !status.equals("enabled") && !status.equals("disabled")) {
      throw new IllegalArgumentException("provisioningStatus must be 'enabled' or 'disabled', got '" + status + "'");
    }
    builder.enabled(!"disabled".equals(status));
    JsonNode twin = root.path("initialTwin");
    if (!twin.isMissingNode() && !twin.isNull()) {
      JsonNode tags = twin.path("tags");
      JsonNode desired = twin.path("properties").path("desired");
      builder.initialTags(tags.isObject() && tags.size() > 0 ? withoutMetadata(tags) : null);
      builder.initialDesired(desired.isObject() && desired.size() > 0 ? withoutMetadata(desired) : null);
    }
    ObjectNode echoed = JSON.createObjectNode();
    for (String field : ECHOED) {
      if (root.hasNonNull(field)) {
        echoed.set(field, root.get(field));
      }
    }
    return new Parsed(builder.build(), device, echoed, text(root, "etag"));
  }

  private static @Nullable X509Certificate attestation(Enrollment.Kind kind, JsonNode attestation,
      Enrollment.Builder builder) {
    String type = text(attestation, "type");
    if (type == null) {
      throw new IllegalArgumentException("attestation.type is missing: use 'symmetricKey' or 'x509'");
    }
    switch (type) {
      case "symmetricKey": {
        JsonNode keys = attestation.path("symmetricKey");
        String primary = text(keys, "primaryKey");
        String secondary = text(keys, "secondaryKey");
        builder.primaryKey(primary == null || primary.isEmpty() ? newKey() : primary);
        builder.secondaryKey(secondary == null || secondary.isEmpty() ? newKey() : secondary);
        return null;
      }
      case "x509": {
        JsonNode x509 = attestation.path("x509");
        if (x509.hasNonNull("caReferences")) {
          throw new IllegalArgumentException("attestation.x509.caReferences is not emulated (the emulator's DPS has"
              + " no CA certificate store): give the CA in attestation.x509.signingCertificates.primary.certificate");
        }
        if (kind == Enrollment.Kind.INDIVIDUAL) {
          X509Certificate primary = certificate(x509, "clientCertificates", "primary", true);
          X509Certificate secondary = certificate(x509, "clientCertificates", "secondary", false);
          builder.x509Thumbprints(X509Check.sha256Thumbprint(primary),
              secondary == null ? null : X509Check.sha256Thumbprint(secondary));
          return primary;
        }
        builder.x509CaCertificates(certificate(x509, "signingCertificates", "primary", true),
            certificate(x509, "signingCertificates", "secondary", false));
        return null;
      }
      default:
        throw new IllegalArgumentException("attestation.type '" + type + "' is not emulated: use 'symmetricKey' or"
            + " 'x509' (TPM attestation is not emulated)");
    }
  }

  private static @Nullable X509Certificate certificate(JsonNode x509, String set, String which, boolean required) {
    String field = "attestation.x509." + set + "." + which + ".certificate";
    String text = text(x509.path(set).path(which), "certificate");
    if (text == null || text.isBlank()) {
      if (required) {
        throw new IllegalArgumentException(field + " is missing: give the certificate as PEM or base64 DER");
      }
      return null;
    }
    try {
      byte[] bytes = text.contains("-----BEGIN") ? text.getBytes(StandardCharsets.US_ASCII)
          : Base64.getMimeDecoder().decode(text);
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(bytes));
    } catch (CertificateException | IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " is not a PEM or base64 DER X.509 certificate");
    }
  }

  /** Writes the record of {@code enrollment} as DPS answers it. */
  public static ObjectNode write(Enrollment enrollment, @Nullable X509Certificate deviceCertificate,
      @Nullable ObjectNode echoed, String etag, Instant created, Instant updated) {
    ObjectNode out = JSON.createObjectNode();
    if (enrollment.kind() == Enrollment.Kind.INDIVIDUAL) {
      out.put("registrationId", enrollment.id());
      out.put("deviceId", enrollment.id());
    } else {
      out.put("enrollmentGroupId", enrollment.id());
    }
    out.set("attestation", attestation(enrollment, deviceCertificate));
    ObjectNode twin = out.putObject("initialTwin");
    twin.set("tags", object(enrollment.initialTags()));
    twin.putObject("properties").set("desired", object(enrollment.initialDesired()));
    out.put("provisioningStatus", enrollment.enabled() ? "enabled" : "disabled");
    out.put("etag", etag);
    out.put("createdDateTimeUtc", UTC.format(created));
    out.put("lastUpdatedDateTimeUtc", UTC.format(updated));
    if (echoed != null) {
      out.setAll(echoed);
    }
    return out;
  }

  /** Writes the {@code attestation} object of {@code enrollment}. */
  public static ObjectNode attestation(Enrollment enrollment, @Nullable X509Certificate deviceCertificate) {
    ObjectNode out = JSON.createObjectNode();
    if (enrollment.attestation() == Enrollment.Attestation.SYMMETRIC_KEY) {
      out.put("type", "symmetricKey");
      ObjectNode keys = out.putObject("symmetricKey");
      keys.put("primaryKey", enrollment.primaryKey());
      keys.put("secondaryKey", enrollment.secondaryKey());
      return out;
    }
    out.put("type", "x509");
    ObjectNode x509 = out.putObject("x509");
    if (enrollment.kind() == Enrollment.Kind.GROUP) {
      ObjectNode signing = x509.putObject("signingCertificates");
      signing.putObject("primary").set("info", info(enrollment.caCertificates().get(0)));
      if (enrollment.caCertificates().size() > 1) {
        signing.putObject("secondary").set("info", info(enrollment.caCertificates().get(1)));
      }
    } else {
      ObjectNode info = deviceCertificate != null ? info(deviceCertificate) : thumbprintInfo(
          String.valueOf(enrollment.primaryThumbprint()));
      x509.putObject("clientCertificates").putObject("primary").set("info", info);
    }
    return out;
  }

  private static ObjectNode info(X509Certificate certificate) {
    ObjectNode info = JSON.createObjectNode();
    info.put("subjectName", certificate.getSubjectX500Principal().getName());
    info.put("sha1Thumbprint", X509Check.sha1Thumbprint(certificate));
    info.put("sha256Thumbprint", X509Check.sha256Thumbprint(certificate));
    info.put("issuerName", certificate.getIssuerX500Principal().getName());
    info.put("notBeforeUtc", UTC.format(certificate.getNotBefore().toInstant()));
    info.put("notAfterUtc", UTC.format(certificate.getNotAfter().toInstant()));
    info.put("serialNumber", certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
    info.put("version", certificate.getVersion());
    return info;
  }

  /** An enrollment made on the Java API with thumbprints only: the emulator knows no more of the certificate. */
  private static ObjectNode thumbprintInfo(String thumbprint) {
    ObjectNode info = JSON.createObjectNode();
    info.put(thumbprint.length() == 40 ? "sha1Thumbprint" : "sha256Thumbprint", thumbprint);
    return info;
  }

  private static JsonNode object(@Nullable String json) {
    if (json == null) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static String withoutMetadata(JsonNode node) {
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    copy.remove("$metadata");
    copy.remove("$version");
    return copy.toString();
  }

  private static @Nullable String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  private static String newKey() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }
}
