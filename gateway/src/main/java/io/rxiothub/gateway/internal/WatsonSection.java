// The configuration file's `watson` section (protocol.md §18.3): the organisation, the gateway, its leaves.
package io.rxiothub.gateway.internal;

import io.rxiothub.gateway.WatsonLeaf;
import io.rxiothub.gateway.WatsonUpstream;
import io.rxiothub.watson.WatsonIds;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads the {@code watson} section with the reader's rules (every key checked, errors naming the line). */
final class WatsonSection {

  private static final Set<String> WATSON = Set.of("orgId", "gatewayType", "gatewayId", "token", "domain", "host",
      "port", "caFile", "leaves");
  private static final Set<String> LEAF = Set.of("typeId", "deviceId", "token");

  private WatsonSection() {
  }

  static WatsonUpstream read(ConfigReader r, Node node) {
    Map<String, Node> watson = r.mapping(node, "watson", WATSON);
    WatsonUpstream.Builder b = WatsonUpstream.builder();
    Node org = r.required(watson, "orgId", node, "watson");
    r.guard(org, () -> b.orgId(r.text(org)));
    Node type = r.required(watson, "gatewayType", node, "watson");
    Node id = r.required(watson, "gatewayId", node, "watson");
    r.guard(type, () -> WatsonIds.requireId("gatewayType", r.text(type)));
    r.guard(id, () -> b.gateway(r.text(type), r.text(id)));
    Node token = r.required(watson, "token", node, "watson");
    r.guard(token, () -> b.token(r.secret(token, "token")));
    r.apply(watson, "domain", n -> b.domain(r.text(n)));
    r.apply(watson, "host", n -> b.host(r.text(n)));
    r.apply(watson, "port", n -> b.port((int) r.number(n, 1, 65535)));
    r.apply(watson, "caFile", n -> b.caFile(r.path(n)));
    Node leaves = r.required(watson, "leaves", node, "watson");
    if (!(leaves instanceof SequenceNode list) || list.getValue().isEmpty()) {
      throw r.fail(leaves, "watson.leaves must be a non-empty list of {typeId, deviceId, token}");
    }
    Map<String, Node> seen = new LinkedHashMap<>();
    for (Node item : list.getValue()) {
      Map<String, Node> leaf = r.mapping(item, "a Watson leaf", LEAF);
      Node leafType = r.required(leaf, "typeId", item, "a Watson leaf");
      Node leafId = r.required(leaf, "deviceId", item, "a Watson leaf");
      String name = r.text(leafType) + "/" + r.text(leafId);
      Node leafToken = r.required(leaf, "token", item, "Watson leaf '" + name + "'");
      Node first = seen.putIfAbsent(name, leafType);
      if (first != null) {
        throw r.fail(leafType, "Watson leaf '" + name + "' is configured twice (first at line "
            + (first.getStartMark().getLine() + 1) + ")");
      }
      String secret = r.secret(leafToken, "token");
      r.guard(item, () -> b.leaf(WatsonLeaf.of(r.text(leafType), r.text(leafId), secret)));
    }
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw r.fail(node, e.getMessage());
    }
  }
}
