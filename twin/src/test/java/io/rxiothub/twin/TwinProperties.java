// Properties of the twin module: merge laws, JSON and topic round trips, total parsers.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rxiothub.twin.internal.TwinDiff;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.jspecify.annotations.Nullable;

class TwinProperties {

  @Property
  void mergeIsIdempotent(@ForAll("documents") TwinCollection doc, @ForAll("patches") TwinCollection patch) {
    TwinCollection once = doc.merge(patch);
    assertThat(once.merge(patch)).isEqualTo(once);
  }

  @Property
  void nullDeletesAndValuesReplace(@ForAll("documents") TwinCollection doc, @ForAll("patches") TwinCollection patch) {
    TwinCollection merged = doc.merge(patch);
    for (Map.Entry<String, @Nullable Object> member : patch.asMap().entrySet()) {
      Object value = member.getValue();
      if (value == null) {
        assertThat(merged.containsKey(member.getKey())).as("null deletes %s", member.getKey()).isFalse();
      } else if (!(value instanceof TwinCollection)) {
        assertThat(merged.get(member.getKey())).isEqualTo(value);
      } else {
        assertThat(merged.get(member.getKey())).isInstanceOf(TwinCollection.class);
      }
    }
    for (String key : doc.keySet()) {
      if (!patch.containsKey(key)) {
        assertThat(merged.get(key)).as("untouched %s", key).isEqualTo(doc.get(key));
      }
    }
  }

  @Property
  void mergedDocumentsHoldNoNull(@ForAll("documents") TwinCollection doc, @ForAll("patches") TwinCollection patch) {
    assertThat(holdsNullMember(doc.merge(patch))).isFalse();
  }

  @Property
  void diffThenMergeGivesTheTarget(@ForAll("documents") TwinCollection from, @ForAll("documents") TwinCollection to) {
    assertThat(from.merge(TwinDiff.diff(from, to))).isEqualTo(to);
  }

  @Property
  void jsonRoundTrips(@ForAll("patches") TwinCollection collection) {
    assertThat(TwinCollection.parse(collection.toJson())).isEqualTo(collection);
  }

  @Property
  void patchJsonRoundTrips(@ForAll("patches") TwinCollection properties, @ForAll @LongRange(min = 0) long version) {
    TwinPatch patch = TwinPatch.builder().properties(properties).version(version).build();
    assertThat(TwinPatch.parse(patch.toJsonBytes())).isEqualTo(patch);
    TwinPatch reported = TwinPatch.of(properties);
    assertThat(TwinPatch.parse(reported.toJson())).isEqualTo(reported);
  }

  @Property
  void twinJsonRoundTrips(@ForAll("documents") TwinCollection desired, @ForAll("documents") TwinCollection reported,
      @ForAll @LongRange(min = 0) long dv, @ForAll @LongRange(min = 0) long rv) {
    Twin twin = Twin.builder().desired(desired).desiredVersion(dv).reported(reported).reportedVersion(rv).build();
    assertThat(Twin.parse(twin.toJson().getBytes(StandardCharsets.UTF_8))).isEqualTo(twin);
  }

  @Property
  void topicParseOfFormatIsIdentity(@ForAll("topics") TwinTopic topic) {
    assertThat(TwinTopic.parse(topic.format())).isEqualTo(topic);
  }

  @Property
  void responseBagKeysMayComeInAnyOrderAmongUnknownOnes(
      @ForAll @IntRange(min = 100, max = 999) int status, @ForAll @LongRange(min = 1) long rid,
      @ForAll @LongRange(min = 0) long version, @ForAll("unknownPairs") java.util.List<String> unknown,
      @ForAll java.util.Random random) {
    java.util.List<String> pairs = new java.util.ArrayList<>(unknown);
    pairs.add("$rid=" + rid);
    pairs.add(random.nextBoolean() ? "$version=" + version : "%24version=" + version);
    java.util.Collections.shuffle(pairs, random);
    TwinTopic parsed = TwinTopic.parse("$iothub/twin/res/" + status + "/?" + String.join("&", pairs));
    assertThat(parsed).isEqualTo(TwinTopic.response(status, Long.toString(rid), version));
  }

  @Provide
  Arbitrary<java.util.List<String>> unknownPairs() {
    return Arbitraries.strings().withChars("abcxyz.-_~%20").ofMaxLength(6)
        .filter(k -> !k.contains("%") || k.matches("([^%]|%20)*"))
        .map(k -> k.isEmpty() ? "" : k + (k.length() % 2 == 0 ? "=v" : ""))
        .list().ofMaxSize(4);
  }

  @Property(tries = 2000)
  void everyParserReturnsAValueOrAnIllegalArgument(@ForAll @StringLength(max = 200) String text) {
    accepts(() -> TwinTopic.parse(text));
    accepts(() -> TwinTopic.parse("$iothub/twin/res/" + text));
    accepts(() -> TwinTopic.parse("$iothub/twin/GET/?" + text));
    accepts(() -> TwinTopic.parse("$iothub/twin/PATCH/properties/desired/" + text));
    accepts(() -> TwinCollection.parse(text));
    accepts(() -> TwinPatch.parse(text));
    accepts(() -> Twin.parse(text));
    accepts(() -> TwinPatch.parse("{\"" + text + "\":1}"));
  }

  @Property(tries = 1000)
  void jsonParsersAreTotalOnBytes(@ForAll byte[] bytes) {
    accepts(() -> TwinCollection.parse(new String(bytes, StandardCharsets.ISO_8859_1)));
    accepts(() -> TwinPatch.parse(bytes));
    accepts(() -> Twin.parse(bytes));
  }

  @Property(tries = 1000)
  void jsonParsersAreTotalOnJsonLikeText(@ForAll("jsonish") String text) {
    accepts(() -> TwinCollection.parse(text));
    accepts(() -> TwinPatch.parse(text));
    accepts(() -> Twin.parse(text));
  }

  @Property(tries = 300)
  void buildingAPatchFromAnyMapIsAValueOrAnIllegalArgument(
      @ForAll @StringLength(max = 20) String key, @ForAll("anyValue") Object value) {
    accepts(() -> TwinPatch.builder().put(key, value).build());
  }

  @Property(tries = 2000)
  void patchKeysAreAcceptedExactlyWhenTheyFollowTheHubKeyRules(@ForAll("keyCandidates") String key) {
    boolean valid = !key.isEmpty() && isValidUnicode(key)
        && key.getBytes(StandardCharsets.UTF_8).length <= 1024
        && key.chars().noneMatch(c -> c == '.' || c == '$' || c == ' ' || c <= 0x1f || c >= 0x7f && c <= 0x9f);
    boolean accepted;
    try {
      TwinPatch.builder().put(key, 1).build();
      accepted = true;
    } catch (IllegalArgumentException e) {
      accepted = false;
    }
    assertThat(accepted).as("key %s", key).isEqualTo(valid);
  }

  @Provide
  Arbitrary<String> keyCandidates() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(8),
        Arbitraries.strings().withChars("ab.$ \u0000\u001f\u007f\u0085\u00a0é").ofMaxLength(5),
        Arbitraries.strings().withChars("aé").ofMinLength(500).ofMaxLength(1100));
  }

  @Provide
  Arbitrary<TwinCollection> documents() {
    return TwinArbitraries.documents();
  }

  @Provide
  Arbitrary<TwinCollection> patches() {
    return TwinArbitraries.patches();
  }

  @Provide
  Arbitrary<Object> anyValue() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.strings().ofMaxLength(5000).map(s -> (Object) s),
        TwinArbitraries.values(11));
  }

  @Provide
  Arbitrary<String> jsonish() {
    return Arbitraries.strings().withChars("{}[]\":,0123456789.eE-+ truefalsn\\u$").ofMaxLength(60);
  }

  @Provide
  Arbitrary<TwinTopic> topics() {
    Arbitrary<String> rids = Arbitraries.oneOf(
        Arbitraries.longs().between(1, Long.MAX_VALUE).map(l -> Long.toString(l)),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(20)
            .filter(TwinProperties::isValidUnicode));
    Arbitrary<Long> versions = Arbitraries.longs().between(0, Long.MAX_VALUE);
    Arbitrary<Integer> statuses = Arbitraries.integers().between(100, 999);
    return Arbitraries.oneOf(
        rids.map(TwinTopic::get),
        rids.map(TwinTopic::patchReported),
        versions.map(TwinTopic::desiredPatch),
        net.jqwik.api.Combinators.combine(statuses, rids, versions.injectNull(0.3))
            .as(TwinTopic::response));
  }

  @Property
  void responseStatusOutsideRangeIsRejected(@ForAll @IntRange(min = -1000, max = 99) int status) {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> TwinTopic.response(status, "1", null));
  }

  static boolean isValidUnicode(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean holdsNullMember(TwinCollection c) {
    for (Object value : c.asMap().values()) {
      if (value == null || value instanceof TwinCollection && holdsNullMember((TwinCollection) value)) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code parse}: it may return or throw IllegalArgumentException, nothing else. */
  static void accepts(Runnable parse) {
    try {
      parse.run();
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
