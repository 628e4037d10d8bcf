// The route table's matching rules: literals before variables, decoded variables, 404/405, duplicates refused,
// handler failures answered; and the values' contracts.
package io.rxiothub.emulator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivex.rxjava3.core.Single;
import io.rxiothub.emulator.X509TestCertificates;
import java.nio.charset.StandardCharsets;
import java.util.List;
import nl.jqno.equalsverifier.EqualsVerifier;
import nl.jqno.equalsverifier.Warning;
import org.junit.jupiter.api.Test;

class HttpRoutesTest {

  private static HttpHandler answering(String text) {
    return call -> Single.just(HttpAnswer.json(200, "\"" + text + ":" + String.join(",",
        call.path().startsWith("/devices/") ? call.path("id") : "") + "\""));
  }

  private static String body(HttpAnswer answer) {
    return new String(answer.body(), StandardCharsets.UTF_8);
  }

  private static HttpAnswer dispatch(HttpRoutes routes, String method, String path) {
    return routes.dispatch(HttpCall.builder().method(method).path(path).build()).blockingGet();
  }

  @Test
  void aLiteralSegmentBeatsAVariableWhicheverWasAddedFirst() {
    HttpRoutes routes = new HttpRoutes()
        .add("POST", "/devices/{id}", answering("device"))
        .add("POST", "/devices/query", call -> Single.just(HttpAnswer.json(200, "\"query\"")));

    assertThat(body(dispatch(routes, "POST", "/devices/query"))).isEqualTo("\"query\"");
    assertThat(body(dispatch(routes, "POST", "/devices/dev1"))).isEqualTo("\"device:dev1\"");
  }

  @Test
  void variablesArePercentDecodedAndATrailingSlashIsIgnored() {
    HttpRoutes routes = new HttpRoutes().add("GET", "/devices/{id}", answering("d"));

    assertThat(body(dispatch(routes, "GET", "/devices/a%20b%2Fc/"))).isEqualTo("\"d:a b/c\"");
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405WithAllow() {
    HttpRoutes routes = new HttpRoutes().add("GET", "/devices/{id}", answering("d"))
        .add("DELETE", "/devices/{id}", answering("d"));

    HttpAnswer missing = dispatch(routes, "GET", "/twins/x");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(body(missing)).contains("ErrorCode:NotFound;no route for GET /twins/x");
    HttpAnswer wrong = dispatch(routes, "POST", "/devices/x");
    assertThat(wrong.status()).isEqualTo(405);
    assertThat(wrong.headers()).containsEntry("Allow", "DELETE, GET");
    assertThat(dispatch(routes, "GET", "/devices/").status()).isEqualTo(404);
  }

  @Test
  void theSameMethodAndShapeCannotBeRoutedTwice() {
    HttpRoutes routes = new HttpRoutes().add("GET", "/devices/{id}", answering("d"));

    assertThatThrownBy(() -> routes.add("get", "/devices/{other}", answering("e")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already routed");
    assertThatThrownBy(() -> routes.add("GET", "/devices//x", answering("e")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad segment");
    assertThat(routes.describe()).containsExactly("GET /devices/{id}");
  }

  @Test
  void aFailingHandlerIsAnswered500AndABadArgument400() {
    HttpRoutes routes = new HttpRoutes()
        .add("GET", "/boom", call -> {
          throw new IllegalStateException("secret inside");
        })
        .add("GET", "/bad", call -> Single.error(new IllegalArgumentException("x must be positive")));

    HttpAnswer boom = dispatch(routes, "GET", "/boom");
    assertThat(boom.status()).isEqualTo(500);
    assertThat(body(boom)).doesNotContain("secret inside").contains("IllegalStateException");
    HttpAnswer bad = dispatch(routes, "GET", "/bad");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(body(bad)).contains("x must be positive");
  }

  @Test
  void headersMatchCaseInsensitivelyAndToStringHidesTheirValues() {
    HttpCall call = HttpCall.builder().method("get").path("/x").header("Authorization", "SharedAccessSignature s")
        .build();

    assertThat(call.method()).isEqualTo("GET");
    assertThat(call.header("AUTHORIZATION")).isEqualTo("SharedAccessSignature s");
    assertThat(call.toString()).doesNotContain("SharedAccessSignature");
  }

  @Test
  void valuesHonourEquality() {
    EqualsVerifier.forClass(HttpCall.class).suppress(Warning.NULL_FIELDS)
        .withPrefabValues(List.class, List.of(X509TestCertificates.selfSigned("red", false).certificate()),
            List.of(X509TestCertificates.selfSigned("blue", false).certificate()))
        .verify();
    EqualsVerifier.forClass(HttpAnswer.class).suppress(Warning.NULL_FIELDS).verify();
  }
}
