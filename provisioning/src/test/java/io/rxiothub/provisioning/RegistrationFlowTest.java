// The register-then-poll machine, scenario by scenario, with time passed in (protocol.md §15.3).
package io.rxiothub.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RegistrationFlowTest {

  static final String ASSIGNING = "{\"operationId\":\"op-1\",\"status\":\"assigning\"}";
  static final String ASSIGNED = "{\"operationId\":\"op-1\",\"status\":\"assigned\",\"registrationState\":"
      + "{\"registrationId\":\"dev-1\",\"assignedHub\":\"hub.localhost\",\"deviceId\":\"dev-1\",\"status\":\"assigned\","
      + "\"substatus\":\"initialAssignment\"}}";

  private final RegistrationFlow flow =
      RegistrationFlow.start(RegistrationRequest.of("dev-1", null, null), 0, 30_000, 1);

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void registersThenPollsAfterRetryAfterThenIsAssigned() {
    FlowStep register = flow.connected(0);
    assertThat(register.topic()).isEqualTo("$dps/registrations/PUT/iotdps-register/?$rid=1");
    assertThat(new String(register.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"registrationId\":\"dev-1\"}");
    assertThat(flow.response("$dps/registrations/res/202/?$rid=1&retry-after=3", utf8(ASSIGNING), 10))
        .isEqualTo(FlowStep.waitUntil(3_010));
    assertThat(flow.timer(3_000).kind()).isEqualTo(FlowStep.Kind.NONE);
    FlowStep poll = flow.timer(3_010);
    assertThat(poll.topic()).isEqualTo("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=2&operationId=op-1");
    assertThat(poll.payload()).isEmpty();
    FlowStep done = flow.response("$dps/registrations/res/200/?$rid=2", utf8(ASSIGNED), 3_020);
    assertThat(done.registration().assignedHub()).isEqualTo("hub.localhost");
    assertThat(flow.isEnded()).isTrue();
    assertThat(flow.timer(4_000).kind()).isEqualTo(FlowStep.Kind.NONE);
  }

  @Test
  void ignoresResponsesToOtherRequests() {
    flow.connected(0);
    assertThat(flow.response("$dps/registrations/res/200/?$rid=9", utf8(ASSIGNED), 1).kind())
        .isEqualTo(FlowStep.Kind.NONE);
    assertThat(flow.response("garbage", utf8(ASSIGNED), 1).kind()).isEqualTo(FlowStep.Kind.NONE);
    assertThat(flow.response("$dps/registrations/res/200/?$rid=1", utf8(ASSIGNED), 2).kind())
        .isEqualTo(FlowStep.Kind.DONE);
  }

  @Test
  void throttledRequestIsRepeatedAfterRetryAfter() {
    flow.connected(0);
    assertThat(flow.response("$dps/registrations/res/429/?$rid=1&retry-after=1", utf8("{}"), 0))
        .isEqualTo(FlowStep.waitUntil(1_000));
    assertThat(flow.timer(1_000).topic()).isEqualTo("$dps/registrations/PUT/iotdps-register/?$rid=2");
  }

  @Test
  void throttledBeyondTheTimeOutFailsAtOnceAsThrottled() {
    flow.connected(0);
    FlowStep step = flow.response("$dps/registrations/res/429/?$rid=1&retry-after=40", utf8("{}"), 0);
    assertThat(step.failure().reason()).isEqualTo(ProvisioningFailure.Reason.THROTTLED);
    assertThat(step.failure().status()).isEqualTo(429);
    assertThat(step.failure().isRetryable()).isTrue();
  }

  @Test
  void unauthorizedFailsWithTheCodeAndWhatToCheck() {
    flow.connected(0);
    FlowStep step = flow.response("$dps/registrations/res/401/?$rid=1",
        utf8("{\"errorCode\":401002,\"trackingId\":\"t\",\"message\":\"Unauthorized\"}"), 0);
    assertThat(step.failure().reason()).isEqualTo(ProvisioningFailure.Reason.UNAUTHORIZED);
    assertThat(step.failure().errorCode()).isEqualTo(401002);
    assertThat(step.failure().message()).contains("'dev-1'", "Unauthorized", "ID scope");
  }

  @Test
  void disabledEnrollmentFailsAsDisabled() {
    flow.connected(0);
    flow.response("$dps/registrations/res/202/?$rid=1&retry-after=1", utf8(ASSIGNING), 0);
    flow.timer(1_000);
    FlowStep step = flow.response("$dps/registrations/res/200/?$rid=2", utf8("{\"operationId\":\"op-1\",\"status\":"
        + "\"disabled\",\"registrationState\":{\"registrationId\":\"dev-1\",\"status\":\"disabled\",\"errorCode\":"
        + "401003,\"errorMessage\":\"enrollment disabled\"}}"), 1_001);
    assertThat(step.failure().reason()).isEqualTo(ProvisioningFailure.Reason.DISABLED);
    assertThat(step.failure().errorCode()).isEqualTo(401003);
  }

  @Test
  void garbageBodyFailsAsProtocol() {
    flow.connected(0);
    FlowStep step = flow.response("$dps/registrations/res/202/?$rid=1", utf8("not json"), 0);
    assertThat(step.failure().reason()).isEqualTo(ProvisioningFailure.Reason.PROTOCOL);
  }

  @Test
  void lostConnectionMidPollPollsAgainAfterReconnect() {
    flow.connected(0);
    flow.response("$dps/registrations/res/202/?$rid=1&retry-after=1", utf8(ASSIGNING), 0);
    flow.timer(1_000);
    assertThat(flow.connectionLost(1_100).kind()).isEqualTo(FlowStep.Kind.NONE);
    assertThat(flow.response("$dps/registrations/res/200/?$rid=2", utf8(ASSIGNED), 1_150).kind())
        .isEqualTo(FlowStep.Kind.NONE);
    assertThat(flow.connected(1_200).topic())
        .isEqualTo("$dps/registrations/GET/iotdps-get-operationstatus/?$rid=3&operationId=op-1");
  }

  @Test
  void lostConnectionBeforeTheRegisterAnswerRegistersAgain() {
    flow.connected(0);
    flow.connectionLost(5);
    assertThat(flow.connected(10).topic()).isEqualTo("$dps/registrations/PUT/iotdps-register/?$rid=2");
  }

  @Test
  void noAnswerTimesOut() {
    flow.connected(0);
    FlowStep step = flow.timer(30_000);
    assertThat(step.failure().reason()).isEqualTo(ProvisioningFailure.Reason.TIMEOUT);
    assertThat(step.failure().message()).contains("no answer to the register request");
  }
}
