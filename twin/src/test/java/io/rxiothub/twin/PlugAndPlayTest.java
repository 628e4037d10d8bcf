// Plug and Play conventions in twin documents (protocol.md §17.3): component sections, writable property
// updates per component and property, acks {value, ac, av, ad}; examples and jqwik properties.
package io.rxiothub.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PlugAndPlayTest {

  @Test
  void aReportedPatchPutsComponentPropertiesInAMarkedSection() {
    TwinPatch patch = PnpPatch.builder().property("serialNumber", "SN-1")
        .property("thermostat1", "maxTempSinceLastReboot", 31.5).build();
    assertThat(patch.toJson()).isEqualTo(
        "{\"serialNumber\":\"SN-1\",\"thermostat1\":{\"__t\":\"c\",\"maxTempSinceLastReboot\":31.5}}");
    assertThat(patch.version()).isNull();
  }

  @Test
  void aDesiredPatchSplitsIntoOneUpdatePerComponentAndProperty() {
    TwinPatch desired = TwinPatch.parse("{\"thermostat1\":{\"__t\":\"c\",\"targetTemperature\":21.5,"
        + "\"mode\":\"eco\"},\"targetHumidity\":40,\"settings\":{\"a\":1},\"$version\":7}");
    List<WritablePropertyUpdate> updates = WritablePropertyUpdate.fromPatch(desired);
    assertThat(updates).extracting(WritablePropertyUpdate::component, WritablePropertyUpdate::name,
        WritablePropertyUpdate::version).containsExactly(
            tuple("thermostat1", "targetTemperature", 7L), tuple("thermostat1", "mode", 7L),
            tuple(null, "targetHumidity", 7L), tuple(null, "settings", 7L));
    assertThat(updates.get(0).doubleValue()).isEqualTo(21.5);
    assertThat(updates.get(2).longValue()).isEqualTo(40L);
    assertThat(updates.get(3).value()).isEqualTo(TwinCollection.builder().put("a", 1).build());
  }

  @Test
  void theAckIsOneReportedPatchWithValueAcAvAndAd() {
    WritablePropertyUpdate update = WritablePropertyUpdate.of("thermostat1", "targetTemperature", 21.5, 7);
    WritablePropertyUpdate root = WritablePropertyUpdate.of(null, "targetHumidity", 40, 7);
    TwinPatch patch = PnpPatch.builder().ack(update.ack(WritablePropertyAck.COMPLETED, "applied"))
        .ack(root.ack(WritablePropertyAck.INVALID, "out of range", 35)).build();
    assertThat(patch.toJson()).isEqualTo("{\"targetHumidity\":{\"value\":35,\"ac\":400,\"av\":7,"
        + "\"ad\":\"out of range\"},\"thermostat1\":{\"__t\":\"c\",\"targetTemperature\":{\"value\":21.5,"
        + "\"ac\":200,\"av\":7,\"ad\":\"applied\"}}}");
  }

  @Test
  void anAckWithoutDescriptionHasNoAd() {
    TwinPatch patch = PnpPatch.builder()
        .ack(WritablePropertyUpdate.of(null, "on", true, 2).ack(WritablePropertyAck.PENDING, null)).build();
    assertThat(patch.toJson()).isEqualTo("{\"on\":{\"value\":true,\"ac\":202,\"av\":2}}");
  }

  @Test
  void membersThatAreNoModelPropertiesAreSkipped() {
    TwinCollection desired = TwinCollection.parse("{\"$metadata\":{},\"bad-name\":1,\"c1\":{\"__t\":\"c\","
        + "\"$x\":1,\"p\":2}}");
    assertThat(WritablePropertyUpdate.from(desired, 3)).containsExactly(WritablePropertyUpdate.of("c1", "p", 2, 3));
  }

  @Test
  void aFullTwinGivesItsDesiredPropertiesAtItsDesiredVersion() {
    Twin twin = Twin.parse("{\"desired\":{\"c1\":{\"__t\":\"c\",\"p\":\"x\"},\"$version\":12},"
        + "\"reported\":{\"$version\":1}}");
    assertThat(WritablePropertyUpdate.fromTwin(twin)).containsExactly(WritablePropertyUpdate.of("c1", "p", "x", 12));
  }

  @Test
  void badInputIsRefusedWithTheFieldAndTheRule() {
    assertThatIllegalArgumentException().isThrownBy(() -> WritablePropertyUpdate.fromPatch(
        TwinPatch.parse("{\"a\":1}"))).withMessageContaining("no $version");
    assertThatIllegalArgumentException().isThrownBy(() -> PnpPatch.builder().property("my component", "p", 1))
        .withMessageStartingWith("component 'my component' is not a DTDL name");
    assertThatIllegalArgumentException().isThrownBy(() -> PnpPatch.builder().property("c1", 1).property("c1", "p", 2))
        .withMessageContaining("component 'c1' is a property of the default component");
    assertThatIllegalArgumentException().isThrownBy(() -> WritablePropertyAck.builder().code(99))
        .withMessageContaining("100..599");
    assertThatIllegalStateException().isThrownBy(() -> WritablePropertyAck.builder().name("p").code(200).build())
        .withMessageContaining("version is required");
    assertThatIllegalStateException().isThrownBy(() -> WritablePropertyUpdate.of("c", "p", "text", 1).doubleValue())
        .withMessage("writable property 'c.p' is a String, not a number");
  }

  @Property
  void theAckOfEveryUpdateOfAPatchIsFoundWhereTheUpdateCameFrom(@ForAll("updates") List<WritablePropertyUpdate> updates) {
    PnpPatch.Builder desired = PnpPatch.builder();
    PnpPatch.Builder acks = PnpPatch.builder();
    for (WritablePropertyUpdate u : updates) {
      if (u.component() == null) {
        desired.property(u.name(), u.value());
      } else {
        desired.property(u.component(), u.name(), u.value());
      }
      acks.ack(u.ack(200, null));
    }
    List<WritablePropertyUpdate> parsed = WritablePropertyUpdate.fromPatch(
        desired.build().toBuilder().version(5).build());
    assertThat(parsed).containsExactlyInAnyOrderElementsOf(updates);
    TwinCollection reported = acks.build().properties();
    for (WritablePropertyUpdate u : updates) {
      TwinCollection section = u.component() == null ? reported : reported.getCollection(u.component());
      assertThat(section.getCollection(u.name()).asMap()).containsEntry("value", u.value())
          .containsEntry("ac", 200L).containsEntry("av", 5L);
    }
  }

  @Provide
  Arbitrary<List<WritablePropertyUpdate>> updates() {
    // Distinct (component, name) keys first, then one value each: filtering random lists for unique keys made
    // jqwik reject most of what it generated (44 s per run).
    List<String[]> keys = new ArrayList<>();
    for (String c : new String[] {null, "c1", "thermostat2", "deviceInformation"}) {
      for (String n : new String[] {"p", "targetTemperature", "mode", "on"}) {
        keys.add(new String[] {c, c == null ? "r" + n : n});
      }
    }
    Arbitrary<Object> values = Arbitraries.oneOf(Arbitraries.longs().between(-1000, 1000).map(v -> (Object) v),
        Arbitraries.strings().alpha().ofMaxLength(8).map(v -> (Object) v), Arbitraries.of(true, false));
    return Arbitraries.integers().between(0, keys.size() - 1).set().ofMaxSize(8).flatMap(chosen -> {
      List<Integer> order = new ArrayList<>(chosen);
      return values.list().ofSize(order.size()).map(vs -> {
        List<WritablePropertyUpdate> updates = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
          String[] key = keys.get(order.get(i));
          updates.add(WritablePropertyUpdate.of(key[0], key[1], vs.get(i), 5));
        }
        return updates;
      });
    });
  }
}
