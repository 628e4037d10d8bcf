// Conformance with the official Azure IoT service SDK for Java 2.1.6 over HTTPS: registry, twins, direct methods,
// queries and scheduled jobs against the emulator's REST face, each effect checked on the device side with the official device SDK.
package io.rxiothub.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.jobs.DirectMethodsJobOptions;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJob;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobStatus;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobType;
import com.microsoft.azure.sdk.iot.service.jobs.ScheduledJobsClient;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import com.microsoft.azure.sdk.iot.service.query.JobQueryResponse;
import com.microsoft.azure.sdk.iot.service.query.QueryClient;
import com.microsoft.azure.sdk.iot.service.query.QueryPageOptions;
import com.microsoft.azure.sdk.iot.service.query.TwinQueryResponse;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.registry.RegistryStatistics;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import io.rxiothub.testing.FixedPortsLock;
import io.rxiothub.testing.OfficialSdkTwin;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service SDK builds {@code https://{HostName}/…} and so dials port 443 whatever is configured, through
 * HttpsURLConnection's default socket factory (it has no TLS option): this class runs one emulator as
 * {@code hub.localhost} on the fixed ports 8883 and 443 (failsafe resolves the name through
 * {@code -Djdk.net.hosts.file}, see the module pom) and trusts the emulator's CA as the JVM's default while it runs.
 * The ports are fixed because the official SDKs dial them whatever is configured, so the class holds the machine's
 * fixed-port lock ({@code /tmp/rxiothub-fixed-ports.lock}, as gateway's AzureSdkLeafIT and device-client's
 * AzureSdkEdgeModuleIT do) while its emulator is up: another build's fixed-port test cannot take 8883 meanwhile.
 */
@Timeout(120)
class ServiceSdkConformanceIT {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceSdkConformanceIT.class);
  private static HubEmulator hub;
  private static SSLSocketFactory previousFactory;
  private static FixedPortsLock ports;

  /** Port 443 needs privileges on Linux: without them (not CI, which runs as root) the class is skipped, loudly. */
  @BeforeAll
  static void startHub() throws IOException {
    ports = FixedPortsLock.acquire();
    HubEmulator candidate = HubEmulator.builder().hostName("hub.localhost").mqttPort(8883).webSocketPort(443).build();
    try {
      hub = candidate.start();
    } catch (IllegalStateException e) {
      candidate.close();
      String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (message.contains("permission denied") || message.contains("access denied")) {
        LOG.warn("Cannot bind port 443 without privileges: the service SDK conformance IT is SKIPPED. Run as root"
            + " or lower net.ipv4.ip_unprivileged_port_start to 443 to run it.");
        Assumptions.abort("port 443 could not be bound without privileges");
      }
      throw e;
    }
    previousFactory = HttpsURLConnection.getDefaultSSLSocketFactory();
    HttpsURLConnection.setDefaultSSLSocketFactory(hub.sslContext().getSocketFactory());
  }

  @AfterAll
  static void stopHub() throws Exception {
    if (previousFactory != null) {
      HttpsURLConnection.setDefaultSSLSocketFactory(previousFactory);
    }
    FixedPortsLock.closeThenRelease(ports, hub);
  }

  private static ClientOptions deviceOptions() {
    return ClientOptions.builder().sslContext(hub.sslContext()).build();
  }

  private static String deviceConnectionString(Device device) {
    return "HostName=" + hub.hostName() + ";DeviceId=" + device.getDeviceId() + ";SharedAccessKey="
        + device.getPrimaryKey();
  }

  @Test
  void registryLifecycleAndACreatedDeviceConnects() throws Exception {
    RegistryClient registry = new RegistryClient(hub.serviceConnectionString());

    Device created = registry.addDevice(new Device("sdk-reg-1"));
    assertThat(created.getETag()).isNotEmpty();
    assertThat(created.getPrimaryKey()).isEqualTo(hub.registry().get("sdk-reg-1").orElseThrow().primaryKey());
    assertThatThrownBy(() -> registry.addDevice(new Device("sdk-reg-1"))).isInstanceOf(IotHubConflictException.class);

    DeviceClient device = new DeviceClient(deviceConnectionString(created), IotHubClientProtocol.MQTT,
        deviceOptions());
    device.open(false);
    try {
      assertThat(hub.isConnected("sdk-reg-1")).isTrue();
      assertThat(registry.getDevice("sdk-reg-1").getConnectionState().toString()).isEqualTo("Connected");
    } finally {
      device.close();
    }

    created.setStatus(DeviceStatus.Disabled);
    Device updated = registry.updateDevice(created);
    assertThat(updated.getStatus()).isEqualTo(DeviceStatus.Disabled);
    assertThat(hub.registry().get("sdk-reg-1").orElseThrow().enabled()).isFalse();
    assertThatThrownBy(() -> registry.removeDevice(created)).isInstanceOf(IotHubPreconditionFailedException.class);

    Module module = registry.addModule(new Module("sdk-reg-1", "sdk-mod"));
    assertThat(registry.getModulesOnDevice("sdk-reg-1")).extracting(Module::getId).containsExactly("sdk-mod");
    assertThat(registry.getModule("sdk-reg-1", "sdk-mod").getPrimaryKey()).isEqualTo(module.getPrimaryKey());

    RegistryStatistics statistics = registry.getStatistics();
    assertThat(statistics.getTotalDeviceCount()).isGreaterThanOrEqualTo(1);
    assertThat(statistics.getDisabledDeviceCount()).isGreaterThanOrEqualTo(1);

    registry.removeDevice(updated);
    assertThat(hub.registry().get("sdk-reg-1")).isEmpty();
    assertThatThrownBy(() -> registry.getDevice("sdk-reg-1")).isInstanceOf(IotHubNotFoundException.class);
  }

  @Test
  void twinPatchReachesTheConnectedDeviceAndReportedIsVisible() throws Exception {
    RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
    TwinClient twins = new TwinClient(hub.serviceConnectionString());
    Device created = registry.addDevice(new Device("sdk-twin-1"));
    List<TwinCollection> desired = new CopyOnWriteArrayList<>();
    DeviceClient device = new DeviceClient(deviceConnectionString(created), IotHubClientProtocol.MQTT,
        deviceOptions());
    device.open(false);
    try {
      device.subscribeToDesiredProperties((update, context) -> desired.add(update.getDesiredProperties()), null,
          10_000);
      TwinCollection reported = new TwinCollection();
      reported.put("firmware", "2.0.0");
      assertThat(OfficialSdkTwin.updateReported(device, reported, Duration.ofSeconds(10))).isEqualTo(2);

      Twin twin = twins.get("sdk-twin-1");
      assertThat(twin.getReportedProperties().get("firmware")).isEqualTo("2.0.0");
      twin.getDesiredProperties().put("interval", 15);
      twin.getTags().put("site", "lyon");
      Twin patched = twins.patch(twin);

      assertThat(patched.getTags().get("site")).isEqualTo("lyon");
      assertThat(patched.getDesiredProperties().getVersion()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(10)).until(() -> desired.stream()
          .anyMatch(d -> d.containsKey("interval") && Integer.valueOf(2).equals(d.getVersion())));
      assertThatThrownBy(() -> twins.patch(twin, "\"stale-etag\"")).isInstanceOf(
          IotHubPreconditionFailedException.class);
    } finally {
      device.close();
    }
  }

  @Test
  void methodsReachDevicesAndModulesAndOfflineIsNotFound() throws Exception {
    RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
    DirectMethodsClient methods = new DirectMethodsClient(hub.serviceConnectionString());
    Device created = registry.addDevice(new Device("sdk-method-1"));
    Module module = registry.addModule(new Module("sdk-method-1", "sdk-mod"));
    DeviceClient device = new DeviceClient(deviceConnectionString(created), IotHubClientProtocol.MQTT,
        deviceOptions());
    ModuleClient moduleClient = new ModuleClient("HostName=" + hub.hostName() + ";DeviceId=sdk-method-1;ModuleId="
        + "sdk-mod;SharedAccessKey=" + module.getPrimaryKey(), IotHubClientProtocol.MQTT, deviceOptions());
    DirectMethodRequestOptions options = DirectMethodRequestOptions.builder().payload(Map.of("delay", 5))
        .methodResponseTimeoutSeconds(10).methodConnectTimeoutSeconds(0).build();
    assertThatThrownBy(() -> methods.invoke("sdk-method-1", "reboot", options))
        .isInstanceOf(IotHubNotFoundException.class);
    device.open(false);
    moduleClient.open(false);
    try {
      device.subscribeToMethods((name, payload, context) -> new com.microsoft.azure.sdk.iot.device.twin
          .DirectMethodResponse(200, "device:" + name + ":" + payload.getPayloadAsJsonString()), null, 10_000);
      moduleClient.subscribeToMethods((name, payload, context) -> new com.microsoft.azure.sdk.iot.device.twin
          .DirectMethodResponse(201, "module:" + name), null, 10_000);

      var answer = methods.invoke("sdk-method-1", "reboot", options);
      assertThat(answer.getStatus()).isEqualTo(200);
      assertThat(answer.getPayload(String.class)).isEqualTo("device:reboot:{\"delay\":5}");
      var moduleAnswer = methods.invoke("sdk-method-1", "sdk-mod", "scan", options);
      assertThat(moduleAnswer.getStatus()).isEqualTo(201);
      assertThat(moduleAnswer.getPayload(String.class)).isEqualTo("module:scan");
    } finally {
      moduleClient.close();
      device.close();
    }
  }

  @Test
  void queriesPageThroughTwins() throws Exception {
    RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
    TwinClient twins = new TwinClient(hub.serviceConnectionString());
    for (int i = 0; i < 7; i++) {
      registry.addDevice(new Device("sdk-query-" + i));
      Twin twin = new Twin("sdk-query-" + i);
      twin.getTags().put("batch", i % 2 == 0 ? "even" : "odd");
      twins.patch(twin);
    }
    QueryClient query = new QueryClient(hub.serviceConnectionString());

    TwinQueryResponse response = query.queryTwins("SELECT * FROM devices WHERE tags.batch = 'even'",
        QueryPageOptions.builder().pageSize(2).build());
    List<String> ids = new ArrayList<>();
    while (response.hasNext()) {
      ids.add(response.next().getDeviceId());
    }
    assertThat(ids).containsExactly("sdk-query-0", "sdk-query-2", "sdk-query-4", "sdk-query-6");
  }

  @Test
  void scheduledJobsUpdateTwinsAndCallMethodsOnTheDevicesTheySelect() throws Exception {
    RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
    Device created = registry.addDevice(new Device("sdk-job-1"));
    registry.addDevice(new Device("sdk-job-bystander"));
    ScheduledJobsClient jobs = new ScheduledJobsClient(hub.serviceConnectionString());
    List<TwinCollection> desired = new CopyOnWriteArrayList<>();
    DeviceClient device = new DeviceClient(deviceConnectionString(created), IotHubClientProtocol.MQTT,
        deviceOptions());
    device.open(false);
    try {
      device.subscribeToDesiredProperties((update, context) -> desired.add(update.getDesiredProperties()), null,
          10_000);
      device.subscribeToMethods((name, payload, context) -> new com.microsoft.azure.sdk.iot.device.twin
          .DirectMethodResponse(200, name + ":" + payload.getPayloadAsJsonString()), null, 10_000);
      String condition = "deviceId IN ['sdk-job-1']";

      Twin update = new Twin();
      update.getDesiredProperties().put("homeTemp", 21);
      jobs.scheduleUpdateTwin("sdk-twin-job", condition, update, new Date(), 60);
      ScheduledJob twinJob = awaitJob(jobs, "sdk-twin-job");
      assertThat(twinJob.getJobType()).isEqualTo(ScheduledJobType.scheduleUpdateTwin);
      assertThat(twinJob.getJobStatistics().getDeviceCount()).isEqualTo(1);
      assertThat(twinJob.getJobStatistics().getSucceededCount()).isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> desired.stream().anyMatch(d -> d.containsKey("homeTemp")));
      assertThat(new TwinClient(hub.serviceConnectionString()).get("sdk-job-bystander").getDesiredProperties())
          .doesNotContainKey("homeTemp");

      jobs.scheduleDirectMethod("sdk-method-job", condition, "loopback", new Date(),
          DirectMethodsJobOptions.builder().payload("hello").methodResponseTimeoutSeconds(10)
              .methodConnectTimeoutSeconds(5).maxExecutionTimeSeconds(60).build());
      assertThat(awaitJob(jobs, "sdk-method-job").getJobType()).isEqualTo(ScheduledJobType.scheduleDeviceMethod);
      JobQueryResponse rows = new QueryClient(hub.serviceConnectionString()).queryJobs("SELECT * FROM devices.jobs"
          + " WHERE devices.jobs.jobId = 'sdk-method-job' AND devices.jobs.jobType = 'scheduleDeviceMethod'");
      assertThat(rows.hasNext()).isTrue();
      ScheduledJob row = rows.next();
      assertThat(row.getDeviceId()).isEqualTo("sdk-job-1");
      assertThat(row.getJobStatus()).isEqualTo(ScheduledJobStatus.completed);
      assertThat(row.getOutcomeResult().getStatus()).isEqualTo(200);
      assertThat(row.getOutcomeResult().getPayload(String.class)).isEqualTo("loopback:\"hello\"");

      JobQueryResponse listed = jobs.query(ScheduledJobType.scheduleDeviceMethod, ScheduledJobStatus.completed);
      List<String> ids = new ArrayList<>();
      while (listed.hasNext()) {
        ids.add(listed.next().getJobId());
      }
      assertThat(ids).containsExactly("sdk-method-job");
      Date later = new Date(System.currentTimeMillis() + 3_600_000);
      jobs.scheduleUpdateTwin("sdk-later-job", condition, update, later, 60);
      assertThat(jobs.cancel("sdk-later-job").getJobStatus()).isEqualTo(ScheduledJobStatus.cancelled);
      assertThatThrownBy(() -> jobs.get("sdk-no-such-job")).isInstanceOf(IotHubNotFoundException.class);
    } finally {
      device.close();
    }
  }

  private static ScheduledJob awaitJob(ScheduledJobsClient jobs, String jobId) {
    await().atMost(Duration.ofSeconds(20)).until(() -> jobs.get(jobId).getJobStatus() == ScheduledJobStatus.completed);
    try {
      return jobs.get(jobId);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aPolicyWithoutThePermissionIsUnauthorized() {
    RegistryClient reader = new RegistryClient(hub.serviceConnectionString("registryRead"));
    assertThatThrownBy(() -> reader.addDevice(new Device("sdk-denied"))).isInstanceOf(
        IotHubUnauthorizedException.class);
    TwinClient twinsAsRegistry = new TwinClient(hub.serviceConnectionString("registryReadWrite"));
    hub.registry().createDevice("sdk-denied-twin");
    assertThatThrownBy(() -> twinsAsRegistry.get("sdk-denied-twin")).isInstanceOf(IotHubUnauthorizedException.class);
    assertThat(hub.registry().get("sdk-denied")).isEmpty();
  }
}
