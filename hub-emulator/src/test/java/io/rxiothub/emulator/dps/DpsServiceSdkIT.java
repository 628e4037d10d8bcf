// The official DPS service SDK for Java (provisioning-service-client 2.0.3) manages the emulator's enrollments
// unchanged (protocol.md §15.6): individual and group, symmetric key and X.509, create, get, update with etag,
// attestation mechanism, query with paging, delete, refusals; a group it creates then registers the official
// provisioning device client.
package io.rxiothub.emulator.dps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClient;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientRegistrationResult;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientStatus;
import com.microsoft.azure.sdk.iot.provisioning.device.ProvisioningDeviceClientTransportProtocol;
import com.microsoft.azure.sdk.iot.provisioning.security.SecurityProviderSymmetricKey;
import com.microsoft.azure.sdk.iot.provisioning.service.ProvisioningServiceClient;
import com.microsoft.azure.sdk.iot.provisioning.service.Query;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.AttestationMechanism;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.IndividualEnrollment;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.ProvisioningStatus;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QueryResult;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.QuerySpecificationBuilder;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.SymmetricKeyAttestation;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinCollection;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.TwinState;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.X509Attestation;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientBadFormatException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientNotFoundException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientPreconditionFailedException;
import com.microsoft.azure.sdk.iot.provisioning.service.exceptions.ProvisioningServiceClientUnathorizedException;
import io.rxiothub.emulator.HubEmulator;
import io.rxiothub.emulator.X509TestCertificates;
import io.rxiothub.provisioning.DpsConnect;
import io.rxiothub.testing.FixedPortsLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fixed ports: the service SDK builds {@code https://{HostName}/…} and its host name grammar allows no port, so it
 * dials 443 (through HttpsURLConnection's default socket factory, which this class points at the emulator's CA while
 * it runs); the provisioning device client dials {@code dps.localhost:8883}. So the hub is {@code hub.localhost} on
 * 127.0.0.1:8883 and 443 and DPS on 127.0.0.2:8883, names resolved by failsafe's {@code -Djdk.net.hosts.file}, in
 * the same execution as AzureSdkConformanceIT, holding the machine's fixed-port lock while it runs.
 */
@Timeout(120)
class DpsServiceSdkIT {

  private static final String KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  private static final String GROUP_KEY = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
  private static HubEmulator hub;
  private static ProvisioningServiceClient service;
  private static SSLSocketFactory previousFactory;
  private static FixedPortsLock ports;

  /** Port 443 needs privileges on Linux: without them (not CI, which runs as root) the class is skipped, loudly. */
  @BeforeAll
  static void start() throws IOException {
    ports = FixedPortsLock.acquire();
    HubEmulator candidate = HubEmulator.builder().hostName("hub.localhost").mqttPort(8883).webSocketPort(443).build();
    try {
      hub = candidate.start();
    } catch (IllegalStateException e) {
      candidate.close();
      String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (message.contains("permission denied") || message.contains("access denied")) {
        System.err.println("WARNING: cannot bind port 443 without privileges: DpsServiceSdkIT is SKIPPED. Run as"
            + " root or lower net.ipv4.ip_unprivileged_port_start to 443 to run it.");
        Assumptions.abort("port 443 could not be bound without privileges");
      }
      throw e;
    }
    hub.dps().start("127.0.0.2", 8883, -1);
    previousFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
    service = ProvisioningServiceClient.createFromConnectionString(hub.serviceConnectionString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (previousFactory != null) {
      HttpsURLConnection.setDefaultSSLSocketFactory(previousFactory);
    }
    FixedPortsLock.closeThenRelease(ports, hub);
  }

  @Test
  void anIndividualEnrollmentIsCreatedReadUpdatedWithItsEtagAndDeleted() throws Exception {
    IndividualEnrollment created = new IndividualEnrollment("svc-solo", new SymmetricKeyAttestation(KEY, null));
    TwinCollection tags = new TwinCollection();
    tags.put("site", "lab");
    TwinCollection desired = new TwinCollection();
    desired.put("interval", 30);
    created.setInitialTwin(new TwinState(tags, desired));
    IndividualEnrollment stored = service.createOrUpdateIndividualEnrollment(created);

    assertThat(stored.getRegistrationId()).isEqualTo("svc-solo");
    assertThat(stored.getEtag()).isNotBlank();
    assertThat(stored.getProvisioningStatus()).isEqualTo(ProvisioningStatus.ENABLED);
    assertThat(hub.dps().enrollment(Enrollment.Kind.INDIVIDUAL, "svc-solo")).hasValueSatisfying(e -> {
      assertThat(e.primaryKey()).isEqualTo(KEY);
      assertThat(e.initialTags()).contains("\"site\":\"lab\"");
      assertThat(e.initialDesired()).contains("\"interval\":30");
    });
    IndividualEnrollment read = service.getIndividualEnrollment("svc-solo");
    assertThat(read.getEtag()).isEqualTo(stored.getEtag());
    assertThat(read.getInitialTwin().getTags()).containsEntry("site", "lab");
    assertThat(((SymmetricKeyAttestation) read.getAttestation()).getPrimaryKey()).isEqualTo(KEY);

    read.setProvisioningStatus(ProvisioningStatus.DISABLED);
    IndividualEnrollment updated = service.createOrUpdateIndividualEnrollment(read);
    assertThat(updated.getProvisioningStatus()).isEqualTo(ProvisioningStatus.DISABLED);
    assertThat(updated.getEtag()).isNotEqualTo(stored.getEtag());
    assertThat(hub.dps().enrollment(Enrollment.Kind.INDIVIDUAL, "svc-solo")).hasValueSatisfying(e ->
        assertThat(e.enabled()).isFalse());
    assertThatThrownBy(() -> service.createOrUpdateIndividualEnrollment(read)).as("the etag before the update")
        .isInstanceOf(ProvisioningServiceClientPreconditionFailedException.class);

    service.deleteIndividualEnrollment("svc-solo");
    assertThat(hub.dps().enrollment(Enrollment.Kind.INDIVIDUAL, "svc-solo")).isEmpty();
    assertThatThrownBy(() -> service.getIndividualEnrollment("svc-solo"))
        .isInstanceOf(ProvisioningServiceClientNotFoundException.class);
  }

  @Test
  void aGroupItCreatesRegistersTheOfficialDeviceClientAndItsAttestationGivesTheKeys() throws Exception {
    EnrollmentGroup group = service.createOrUpdateEnrollmentGroup(new EnrollmentGroup("svc-fleet",
        new SymmetricKeyAttestation(GROUP_KEY, null)));
    assertThat(group.getEnrollmentGroupId()).isEqualTo("svc-fleet");
    AttestationMechanism mechanism = service.getEnrollmentGroupAttestationMechanism("svc-fleet");
    SymmetricKeyAttestation keys = (SymmetricKeyAttestation) mechanism.getAttestation();
    assertThat(keys.getPrimaryKey()).isEqualTo(GROUP_KEY);
    assertThat(keys.getSecondaryKey()).as("generated when left out").isNotBlank().isNotEqualTo(GROUP_KEY);

    String deviceKey = DpsConnect.derivedKey(GROUP_KEY, "svc-member-1");
    SSLContext trust = hub.sslContext();
    SecurityProviderSymmetricKey security = new SecurityProviderSymmetricKey(
        deviceKey.getBytes(StandardCharsets.UTF_8), "svc-member-1") {
      @Override
      public SSLContext getSSLContext() {
        return trust;
      }
    };
    ProvisioningDeviceClient client = ProvisioningDeviceClient.create("dps.localhost", hub.dps().idScope(),
        ProvisioningDeviceClientTransportProtocol.MQTT, security);
    ProvisioningDeviceClientRegistrationResult result;
    try {
      result = client.registerDeviceSync();
    } finally {
      client.close();
    }
    assertThat(result.getProvisioningDeviceClientStatus())
        .isEqualTo(ProvisioningDeviceClientStatus.PROVISIONING_DEVICE_STATUS_ASSIGNED);
    assertThat(result.getDeviceId()).isEqualTo("svc-member-1");
  }

  @Test
  void x509EnrollmentsTakeACertificateAndAnswerWithItsInfo() throws Exception {
    X509TestCertificates root = X509TestCertificates.selfSigned("Svc Root", true);
    X509TestCertificates leaf = X509TestCertificates.selfSigned("svc-x509", false);
    IndividualEnrollment solo = service.createOrUpdateIndividualEnrollment(new IndividualEnrollment("svc-x509",
        X509Attestation.createFromClientCertificates(pem(leaf.certificate().getEncoded()))));
    assertThat(((X509Attestation) solo.getAttestation()).getPrimaryX509CertificateInfo().getSubjectName())
        .contains("CN=svc-x509");
    assertThat(hub.dps().enrollment(Enrollment.Kind.INDIVIDUAL, "svc-x509")).hasValueSatisfying(e ->
        assertThat(e.primaryThumbprint()).isNotNull());

    EnrollmentGroup fleet = service.createOrUpdateEnrollmentGroup(new EnrollmentGroup("svc-x509-fleet",
        X509Attestation.createFromRootCertificates(pem(root.certificate().getEncoded()))));
    assertThat(((X509Attestation) fleet.getAttestation()).getPrimaryX509CertificateInfo().getSubjectName())
        .contains("CN=Svc Root");
    assertThat(hub.dps().enrollment(Enrollment.Kind.GROUP, "svc-x509-fleet")).hasValueSatisfying(e ->
        assertThat(e.caCertificates()).containsExactly(root.certificate()));
  }

  @Test
  void aQueryPagesThroughEveryEnrollmentOfItsKind() throws Exception {
    for (int i = 0; i < 5; i++) {
      service.createOrUpdateIndividualEnrollment(new IndividualEnrollment("svc-page-" + i,
          new SymmetricKeyAttestation(KEY, null)));
    }
    Query query = service.createIndividualEnrollmentQuery(new QuerySpecificationBuilder("*",
        QuerySpecificationBuilder.FromType.ENROLLMENTS).createSqlQuery(), 2);
    List<String> ids = new ArrayList<>();
    int pages = 0;
    while (query.hasNext()) {
      QueryResult page = query.next();
      if (page == null) {
        break;
      }
      pages++;
      for (Object item : page.getItems()) {
        ids.add(new IndividualEnrollment(item.toString()).getRegistrationId());
      }
    }
    assertThat(ids).contains("svc-page-0", "svc-page-1", "svc-page-2", "svc-page-3", "svc-page-4")
        .doesNotHaveDuplicates();
    assertThat(pages).as("pages of 2").isGreaterThanOrEqualTo(3);
  }

  @Test
  void refusalsComeAsTheSdksExceptions() {
    ProvisioningServiceClient wrongKey = ProvisioningServiceClient.createFromConnectionString(
        "HostName=hub.localhost;SharedAccessKeyName=iothubowner;SharedAccessKey="
            + Base64.getEncoder().encodeToString(new byte[32]));
    assertThatThrownBy(() -> wrongKey.getIndividualEnrollment("anyone"))
        .isInstanceOf(ProvisioningServiceClientUnathorizedException.class);
    IndividualEnrollment renamed = new IndividualEnrollment("svc-renamed", new SymmetricKeyAttestation(KEY, null));
    renamed.setDeviceId("another-id"); // the emulator's devices take the registration id: refused, nothing stored
    assertThatThrownBy(() -> service.createOrUpdateIndividualEnrollment(renamed))
        .isInstanceOf(ProvisioningServiceClientBadFormatException.class);
    assertThat(hub.dps().enrollment(Enrollment.Kind.INDIVIDUAL, "svc-renamed")).isEmpty();
  }

  private static String pem(byte[] der) {
    return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END CERTIFICATE-----\n";
  }
}
