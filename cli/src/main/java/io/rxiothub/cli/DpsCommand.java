// `rxiothub dps`: the running emulator's DPS enrollments through its DPS service API (protocol.md §15.6): enroll,
// list, show, delete; keys shown only when asked.
package io.rxiothub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rxiothub.emulator.service.ServiceClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code dps} command group; each subcommand makes one request to the running emulator. */
@Command(name = "dps", mixinStandardHelpOptions = true,
    description = {"Manage the DPS enrollments of the running emulator (`rxiothub emulator`), as the DPS service API"
        + " does: enroll, list, show, delete. Devices then register with `rxiothub provision`.",
        "Exit codes: 0 done, 1 refused, 2 bad input or no such enrollment, 4 no emulator running."},
    subcommands = {DpsCommand.Enroll.class, DpsCommand.ListEnrollments.class, DpsCommand.Show.class,
        DpsCommand.Delete.class})
final class DpsCommand implements java.util.concurrent.Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.USAGE;
  }

  /** The enrollment a subcommand is about: its id and kind. */
  static final class Target {
    @Parameters(paramLabel = "ID", description = "The registration id (individual enrollment) or group id.")
    String id;

    @Option(names = {"-g", "--group"}, description = "An enrollment group (default: an individual enrollment).")
    boolean group;
  }

  /** Creates or replaces an enrollment. */
  @Command(name = "enroll", mixinStandardHelpOptions = true,
      description = "Create or replace an enrollment: a symmetric key (given, or generated when no attestation is"
          + " named) or an X.509 certificate (individual: the device's; group: the CA its devices chain to).")
  static final class Enroll extends ServiceCommand {
    @picocli.CommandLine.Mixin Target target = new Target();

    @ArgGroup(exclusive = true) @Nullable Attestation attestation;

    static final class Attestation {
      @Option(names = "--key", paramLabel = "BASE64", description = "The primary symmetric key (base64).")
      @Nullable String key;

      @Option(names = "--cert", paramLabel = "PEM_FILE", description = "An X.509 certificate in a PEM file.")
      @Nullable Path certificate;
    }

    @Option(names = "--disabled", description = "Create it disabled (registrations then end as 'disabled').")
    boolean disabled;

    @Option(names = "--tags", paramLabel = "JSON", description = "Initial twin tags of the devices it creates.")
    @Nullable String tags;

    @Option(names = "--desired", paramLabel = "JSON",
        description = "Initial desired properties of the devices it creates.")
    @Nullable String desired;

    @Option(names = "--show-keys", description = "Print the symmetric keys (secrets; hidden by default).")
    boolean showKeys;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      ObjectNode record = JSON.createObjectNode();
      ObjectNode attestationJson = record.putObject("attestation");
      String certificate = attestation == null || attestation.certificate == null ? null
          : readPem(attestation.certificate);
      if (certificate != null) {
        attestationJson.put("type", "x509");
        attestationJson.putObject("x509").putObject(target.group ? "signingCertificates" : "clientCertificates")
            .putObject("primary").put("certificate", certificate);
      } else {
        attestationJson.put("type", "symmetricKey");
        ObjectNode keys = attestationJson.putObject("symmetricKey");
        if (attestation != null && attestation.key != null) {
          keys.put("primaryKey", checkedKey(attestation.key));
        }
      }
      record.put("provisioningStatus", disabled ? "disabled" : "enabled");
      if (tags != null || desired != null) {
        ObjectNode twin = record.putObject("initialTwin");
        twin.set("tags", object("--tags", tags));
        twin.putObject("properties").set("desired", object("--desired", desired));
      }
      print(client.putEnrollment(target.group, target.id, record.toString()), showKeys, out);
    }
  }

  /** Lists the enrollments of a kind. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the individual enrollments, or the enrollment groups with --group.")
  static final class ListEnrollments extends ServiceCommand {
    @Option(names = {"-g", "--group"}, description = "List enrollment groups (default: individual enrollments).")
    boolean group;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      JsonNode all = client.enrollments(group);
      if (all.isEmpty()) {
        out.println("no " + (group ? "enrollment groups" : "individual enrollments"));
        return;
      }
      out.printf("%-32s %-13s %s%n", group ? "GROUP ID" : "REGISTRATION ID", "ATTESTATION", "STATUS");
      for (JsonNode record : all) {
        out.printf("%-32s %-13s %s%n", id(record), record.path("attestation").path("type").asText(),
            record.path("provisioningStatus").asText());
      }
    }
  }

  /** Prints one enrollment. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print an enrollment's record (keys hidden unless --show-keys).")
  static final class Show extends ServiceCommand {
    @picocli.CommandLine.Mixin Target target = new Target();

    @Option(names = "--show-keys", description = "Print the symmetric keys (secrets; hidden by default).")
    boolean showKeys;

    @Override
    void run(ServiceClient client, PrintWriter out) {
      print(client.enrollment(target.group, target.id), showKeys, out);
    }
  }

  /** Deletes one enrollment. */
  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete an enrollment (the devices it created stay in the hub's registry).")
  static final class Delete extends ServiceCommand {
    @picocli.CommandLine.Mixin Target target = new Target();

    @Override
    void run(ServiceClient client, PrintWriter out) {
      client.deleteEnrollment(target.group, target.id);
      out.println("deleted " + (target.group ? "enrollment group " : "individual enrollment ") + target.id);
    }
  }

  private static void print(JsonNode record, boolean showKeys, PrintWriter out) {
    ObjectNode shown = record.deepCopy();
    JsonNode keys = shown.path("attestation").path("symmetricKey");
    if (!showKeys && keys instanceof ObjectNode hidden) {
      for (String name : new String[] {"primaryKey", "secondaryKey"}) {
        if (hidden.hasNonNull(name)) {
          hidden.put(name, "<hidden: --show-keys prints it>");
        }
      }
    }
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(shown));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String id(JsonNode record) {
    return record.has("enrollmentGroupId") ? record.path("enrollmentGroupId").asText()
        : record.path("registrationId").asText();
  }

  private static String checkedKey(String key) {
    try {
      if (Base64.getDecoder().decode(key).length > 0) {
        return key;
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw new IllegalArgumentException("--key must be non-empty base64 text (RFC 4648 with '=' padding)");
  }

  private static String readPem(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("--cert: cannot read " + file + ": " + e.getMessage());
    }
    if (!text.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException("--cert: " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return text;
  }

  private static JsonNode object(String option, @Nullable String json) {
    if (json == null) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(json);
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // answered below
    }
    throw new IllegalArgumentException(option + " must be a JSON object, such as {\"site\":\"lab\"}");
  }
}
