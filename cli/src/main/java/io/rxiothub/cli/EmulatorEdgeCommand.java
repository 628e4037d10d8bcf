// `rxiothub emulator edge`: the running emulator's IoT Edge side through its emulator-only REST routes
// (docs/service-api.md §11): an edge device's routes (list, add, remove) and a module's IOTEDGE_* environment.
package io.rxiothub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rxiothub.emulator.service.ServiceClient;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code emulator edge} group; each subcommand makes one request to the running emulator. */
@Command(name = "edge", mixinStandardHelpOptions = true,
    description = {"The running emulator's IoT Edge side (docs/protocol.md §17.4-17.5): the edgeHub routes of an edge"
        + " device, which carry what a module sends to an output to other modules' inputs or upstream, and the"
        + " IOTEDGE_* environment a module built with ModuleClient.builder().edgeEnvironment() (or"
        + " `send`/`receive --edge`) reads.",
        "Exit codes: 0 done, 2 bad route, unknown device, module or route, 4 no emulator running."},
    subcommands = {EmulatorEdgeCommand.Routes.class, EmulatorEdgeCommand.Environment.class})
final class EmulatorEdgeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.USAGE;
  }

  /** The {@code emulator edge routes} group. */
  @Command(name = "routes", mixinStandardHelpOptions = true,
      description = "List, add or remove the edgeHub routes of an edge device of the running emulator.",
      subcommands = {ListRoutes.class, AddRoute.class, RemoveRoute.class})
  static final class Routes implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().usage(spec.commandLine().getOut());
      return ExitCodes.USAGE;
    }
  }

  /** Prints the routes, one {@code name  route} line each. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Print the routes of an edge device, one per line: name, then the route.")
  static final class ListRoutes extends ServiceCommand.OnDevice {
    @Override
    void run(ServiceClient client, PrintWriter out) {
      JsonNode routes = client.edgeRoutes(deviceId).path("routes");
      Iterator<Map.Entry<String, JsonNode>> it = routes.fields();
      if (!it.hasNext()) {
        out.println("edge device " + deviceId + " has no routes (module outputs go upstream, to the hub's"
            + " telemetry)");
      }
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> route = it.next();
        out.println(route.getKey() + "  " + route.getValue().asText());
      }
    }
  }

  /** Adds or replaces a route. */
  @Command(name = "add", mixinStandardHelpOptions = true,
      description = {"Add or replace a route of an edge device, written as in a deployment manifest's $edgeHub"
          + " routes, for example:",
          "  rxiothub emulator edge routes add -d edge1 toFilter \"FROM /messages/modules/sensor/outputs/temp INTO"
              + " BrokeredEndpoint(\\\"/modules/filter/inputs/in1\\\")\"",
          "  rxiothub emulator edge routes add -d edge1 up \"FROM /messages/modules/filter/outputs/* INTO"
              + " \\$upstream\""})
  static final class AddRoute extends ServiceCommand.OnDevice {
    @Parameters(index = "0", paramLabel = "NAME", description = "The route's name (replaces a route of that name).")
    String name;
    @Parameters(index = "1", paramLabel = "ROUTE",
        description = "FROM /messages/modules/{m}/outputs/{o} [WHERE condition] INTO"
            + " BrokeredEndpoint(\"/modules/{m2}/inputs/{i}\") | $upstream")
    String route;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      JsonNode stored = client.setEdgeRoute(deviceId, name, route);
      out.println("route " + stored.path("name").asText() + " of " + deviceId + ": " + stored.path("route").asText());
    }
  }

  /** Removes a route. */
  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a route of an edge device (exit 2 when it has no route of that name).")
  static final class RemoveRoute extends ServiceCommand.OnDevice {
    @Parameters(paramLabel = "NAME", description = "The route's name.") String name;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      client.removeEdgeRoute(deviceId, name);
      out.println("removed route " + name + " of " + deviceId);
    }
  }

  /** Prints a module's IOTEDGE_* variables as shell exports. */
  @Command(name = "env", mixinStandardHelpOptions = true,
      description = {"Print the IOTEDGE_* environment the IoT Edge runtime would give a module of an edge device"
          + " (the emulator's workload API signs its tokens), as shell exports:",
          "  eval \"$(rxiothub emulator edge env -d edge1 -m filter)\"; rxiothub receive --edge --port 8883 --input"
              + " in1"})
  static final class Environment extends ServiceCommand.OnDevice {
    @Option(names = {"-m", "--module"}, required = true, paramLabel = "ID", description = "The module id.")
    String moduleId;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      Iterator<Map.Entry<String, JsonNode>> it = client.edgeEnvironment(deviceId, moduleId).fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> variable = it.next();
        out.println("export " + variable.getKey() + "='" + variable.getValue().asText().replace("'", "'\\''") + "'");
      }
    }
  }
}
