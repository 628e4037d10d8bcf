// X.509 rules shared by the hub's CONNECT authentication and the DPS endpoint (protocol.md §15.5): thumbprints,
// the subject CN, validity and chain verification against trust anchors, with the time passed in. No I/O.
package io.rxiothub.emulator.internal;

import io.rxiothub.emulator.DeviceIdentity;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.jspecify.annotations.Nullable;

/** Static X.509 checks; each problem is described without any key material. */
public final class X509Check {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private X509Check() {}

  /** The upper-case hex SHA-256 of the certificate's DER encoding. */
  public static String sha256Thumbprint(X509Certificate certificate) {
    return thumbprint(certificate, "SHA-256");
  }

  /** The upper-case hex SHA-1 of the certificate's DER encoding. */
  public static String sha1Thumbprint(X509Certificate certificate) {
    return thumbprint(certificate, "SHA-1");
  }

  private static String thumbprint(X509Certificate certificate, String algorithm) {
    try {
      byte[] digest = MessageDigest.getInstance(algorithm).digest(certificate.getEncoded());
      char[] out = new char[digest.length * 2];
      for (int i = 0; i < digest.length; i++) {
        out[2 * i] = HEX[(digest[i] >> 4) & 0xF];
        out[2 * i + 1] = HEX[digest[i] & 0xF];
      }
      return new String(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot hash a certificate with " + algorithm, e);
    }
  }

  /**
   * A thumbprint normalised to upper-case hex without separators.
   *
   * @throws IllegalArgumentException naming {@code field} unless it is 40 (SHA-1) or 64 (SHA-256) hex digits,
   *     optionally separated by ':' or ' '
   */
  public static String normaliseThumbprint(String field, String thumbprint) {
    if (thumbprint == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    String hex = thumbprint.replace(":", "").replace(" ", "").toUpperCase(Locale.ROOT);
    if ((hex.length() != 40 && hex.length() != 64) || !hex.matches("[0-9A-F]+")) {
      throw new IllegalArgumentException(field + " must be a SHA-1 (40 hex digits) or SHA-256 (64 hex digits)"
          + " thumbprint of the DER certificate, got " + hex.length() + " characters");
    }
    return hex;
  }

  /** Whether {@code certificate} has the (normalised) thumbprint, SHA-1 or SHA-256 by its length. */
  public static boolean hasThumbprint(X509Certificate certificate, @Nullable String thumbprint) {
    if (thumbprint == null) {
      return false;
    }
    return thumbprint.length() == 40 ? sha1Thumbprint(certificate).equals(thumbprint)
        : sha256Thumbprint(certificate).equals(thumbprint);
  }

  /** The subject's first CN, or null if it has none. */
  public static @Nullable String commonName(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    RDN[] names = subject.getRDNs(BCStyle.CN);
    return names.length == 0 ? null : IETFUtils.valueToString(names[0].getFirst().getValue());
  }

  /** Why {@code certificate} is not valid at {@code now}, or null when it is. */
  public static @Nullable String validityProblem(X509Certificate certificate, Instant now) {
    try {
      certificate.checkValidity(Date.from(now));
      return null;
    } catch (CertificateExpiredException e) {
      return "the client certificate expired at " + certificate.getNotAfter().toInstant();
    } catch (CertificateNotYetValidException e) {
      return "the client certificate is not valid before " + certificate.getNotBefore().toInstant();
    }
  }

  /**
   * Why {@code chain} (leaf first, as presented in TLS) does not lead to one of {@code anchors} at {@code now}, or
   * null when it does (PKIX, revocation not checked). The chain may include the anchor and certificates above it.
   */
  public static @Nullable String chainProblem(List<X509Certificate> chain, Collection<X509Certificate> anchors,
      Instant now) {
    if (chain.isEmpty()) {
      return "no client certificate";
    }
    if (anchors.isEmpty()) {
      return "no CA certificate is registered to verify it against";
    }
    Set<TrustAnchor> trust = new HashSet<>();
    for (X509Certificate anchor : anchors) {
      trust.add(new TrustAnchor(anchor, null));
    }
    List<X509Certificate> path = new ArrayList<>();
    for (X509Certificate certificate : chain) {
      if (anchors.contains(certificate)) {
        break;
      }
      path.add(certificate);
    }
    while (path.size() > 1 && selfIssued(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    if (path.isEmpty()) {
      return "the client certificate is a CA certificate itself, not a device certificate";
    }
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(trust);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
      return null;
    } catch (GeneralSecurityException e) {
      return "the certificate chain of '" + commonName(chain.get(0)) + "' does not lead to a registered CA: "
          + e.getMessage();
    }
  }

  /**
   * Why {@code chain} (leaf first) does not authenticate {@code registered} (whose client id is {@code clientId}) at
   * {@code now}, or null when it does: the leaf valid, and its thumbprint one of the identity's (self-signed) or its
   * CN the client id and its chain leading to one of {@code authorities} (CA-signed). The hub's CONNECT and its
   * HTTPS device endpoints both judge certificates with it.
   */
  public static @Nullable String identityProblem(String clientId, DeviceIdentity registered,
      List<X509Certificate> chain, Collection<X509Certificate> authorities, Instant now) {
    if (chain.isEmpty()) {
      return "no client certificate";
    }
    X509Certificate leaf = chain.get(0);
    String problem = validityProblem(leaf, now);
    if (problem != null) {
      return problem;
    }
    return switch (registered.authenticationType()) {
      case SAS -> "identity '" + clientId + "' authenticates with SAS tokens, not a client certificate";
      case SELF_SIGNED -> hasThumbprint(leaf, registered.primaryThumbprint())
          || hasThumbprint(leaf, registered.secondaryThumbprint()) ? null
          : "the client certificate's thumbprint (SHA-1 " + sha1Thumbprint(leaf) + ", SHA-256 "
              + sha256Thumbprint(leaf) + ") is neither of identity '" + clientId + "'";
      case CERTIFICATE_AUTHORITY -> {
        String cn = commonName(leaf);
        yield !clientId.equals(cn) ? "the client certificate's CN '" + cn + "' is not the client id '" + clientId
            + "'" : chainProblem(chain, authorities, now);
      }
    };
  }

  private static boolean selfIssued(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
  }
}
