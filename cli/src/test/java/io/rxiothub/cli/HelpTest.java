package io.rxiothub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand answers --help with its usage, and the top-level help lists every exit code. */
class HelpTest {

  private static void collect(String prefix, CommandLine command, List<String> paths) {
    for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
      if (sub.getKey().equals("help")) {
        continue;
      }
      String path = (prefix + " " + sub.getKey()).trim();
      paths.add(path);
      collect(path, sub.getValue(), paths);
    }
  }

  @Test
  void everyCommandHasHelp() {
    List<String> paths = new ArrayList<>();
    collect("", RxIotHubCommand.newCommandLine(), paths);

    assertThat(paths).contains("demo", "emulator", "emulator c2d", "emulator purge", "emulator feedback", "emulator stop", "emulator edge routes add",
        "emulator edge routes list", "emulator edge routes remove", "emulator edge env", "send", "receive", "twin get",
        "twin report", "twin watch", "methods serve", "methods invoke", "provision", "dps enroll", "dps list", "dps show", "dps delete", "sas",
        "sas verify", "gateway", "gateway run");
    for (String path : paths) {
      List<String> args = new ArrayList<>(List.of(path.split(" ")));
      args.add("--help");
      Cli run = Cli.run(args.toArray(new String[0]));
      assertThat(run.exitCode).as(path).isZero();
      assertThat(run.out).as(path).startsWith("Usage: rxiothub " + path);
    }
  }

  @Test
  void countSaysWhatEachCommandCounts() {
    // Bounds.properties keys these texts by command path: a renamed command would fall back to "N items".
    assertThat(Cli.run("receive", "--help").out).contains("--count=N           Stop after N messages.");
    assertThat(Cli.run("twin", "watch", "--help").out).contains("--count=N           Stop after N updates.");
    assertThat(Cli.run("methods", "serve", "--help").out)
        .contains("--count=N           Stop after answering N requests.");
  }

  @Test
  void topLevelHelpListsTheExitCodes() {
    Cli run = Cli.run("--help");

    assertThat(run.exitCode).isZero();
    assertThat(run.out).contains("Exit codes:");
    for (String line : ExitCodes.DESCRIPTIONS) {
      String code = line.substring(0, line.indexOf(':'));
      assertThat(run.out).containsPattern("\\n  " + code + " +\\S");
    }
  }

  @Test
  void anUnknownOptionIsExitTwo() {
    Cli run = Cli.run("send", "--no-such-option");

    assertThat(run.exitCode).isEqualTo(2);
    assertThat(run.err).contains("Unknown option: '--no-such-option'");
  }
}
