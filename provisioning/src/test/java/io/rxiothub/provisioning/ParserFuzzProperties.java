// Fuzzing of every public provisioning parser: a value or IllegalArgumentException, in bounded time.
package io.rxiothub.provisioning;

import static io.rxiothub.testing.ParserFuzzing.nearOrRandom;

import io.rxiothub.testing.ParserFuzzing;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;

class ParserFuzzProperties extends ParserFuzzing {

  @Override
  protected List<Parser<?>> parsers() {
    Arbitrary<String> topics = nearOrRandom(80,
        "$dps/registrations/res/202/?$rid=1&retry-after=3",
        "$dps/registrations/res/200/?$rid=2",
        "$dps/registrations/res/429/?$rid=abc%20d&retry-after=x",
        "$dps/registrations/res/401/?$rid=&retry-after=1");
    Arbitrary<byte[]> bodies = nearOrRandom(120,
        RegistrationFlowTest.ASSIGNING, RegistrationFlowTest.ASSIGNED,
        "{\"errorCode\":401002,\"trackingId\":\"t\",\"message\":\"Unauthorized\"}",
        "{\"registrationId\":\"dev-1\",\"payload\":{\"modelId\":\"dtmi:a;1\"}}",
        "{\"registrationId\":\"dev-1\",\"payload\":\"{\\\"a\\\":1}\"}",
        "{\"operationId\":\"o\",\"status\":\"disabled\",\"registrationState\":{\"registrationId\":\"d\","
            + "\"status\":\"disabled\",\"errorCode\":401003}}").map(s -> s.getBytes(StandardCharsets.UTF_8));
    byte[] deep = ("{\"registrationId\":\"d\",\"payload\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}")
        .getBytes(StandardCharsets.UTF_8);
    return Arrays.asList(
        Parser.of("DpsResponseTopic.parse", IllegalArgumentException.class, topics, DpsResponseTopic::parse)
            .huge("1M '&'", "$dps/registrations/res/200/?$rid=1" + "&".repeat(1_000_000), Outcome.FAILS),
        Parser.of("OperationStatus.parse", IllegalArgumentException.class, bodies, OperationStatus::parse)
            .huge("deep payload", deep, Outcome.FAILS),
        Parser.of("DpsError.parse", IllegalArgumentException.class, bodies, DpsError::parse),
        Parser.of("RegistrationRequest.parse", IllegalArgumentException.class, bodies, RegistrationRequest::parse)
            .huge("deep payload", deep, Outcome.FAILS));
  }
}
