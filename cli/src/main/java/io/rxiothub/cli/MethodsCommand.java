// `rxiothub methods serve` answers direct methods as a device; `rxiothub methods invoke` calls one through the
// running emulator's service API.
package io.rxiothub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.rxiothub.methods.MethodRequest;
import io.rxiothub.methods.MethodResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code methods} group. */
@Command(name = "methods", mixinStandardHelpOptions = true,
    description = "Direct methods: answer them as a device (serve), or invoke one through the emulator (invoke).",
    subcommands = {MethodsCommand.Serve.class, MethodsCommand.Invoke.class})
final class MethodsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return ExitCodes.USAGE;
  }

  /** Answers direct methods until Ctrl-C, --count or --timeout. */
  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = {"Connect as the device and answer direct methods with a canned response, or with the output of"
          + " a command (--exec) that gets the request payload on stdin and the method name in $RXIOTHUB_METHOD.",
          "Runs until Ctrl-C, or until --count requests were answered, or --timeout passed."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:--count requests answered, or --timeout passed without --count", "2:bad option",
          "4:could not connect", "5:--timeout passed before --count requests",
          "130:stopped by Ctrl-C (after the replies in flight)"})
  static final class Serve implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DeviceOptions device;
    @Mixin Bounds bounds;

    @Option(names = {"-m", "--method"}, paramLabel = "NAME",
        description = "Answer only this method (repeatable); others get 501. Default: every method.")
    List<String> methods = new ArrayList<>();

    @Option(names = "--status", paramLabel = "N", defaultValue = "200",
        description = "Status of the canned response (default: ${DEFAULT-VALUE}).")
    int status = 200;

    @Option(names = "--response", paramLabel = "JSON",
        description = "Body of the canned response (default: {\"method\":NAME,\"handled\":true}).")
    @Nullable String response;

    @Option(names = "--exec", paramLabel = "COMMAND",
        description = "Answer with this shell command's stdout (JSON); exit code 0 gives --status, else 500.")
    @Nullable String exec;

    @Override
    public Integer call() throws Exception {
      bounds.check();
      if (response != null) {
        MethodResponse.ofJson(status, response);
      }
      PrintWriter out = spec.commandLine().getOut();
      Style style = Style.of(spec);
      AtomicInteger answered = new AtomicInteger();
      try (StopSignal stop = StopSignal.install()) {
        return serve(stop, out, style, answered);
      }
    }

    private int serve(StopSignal stop, PrintWriter out, Style style, AtomicInteger answered) throws Exception {
      try (DeviceSession session = DeviceSession.connect(device, spec.commandLine().getErr(), style, b -> { })) {
        session.client().methods().requests().subscribe(invocation -> {
          MethodRequest request = invocation.request();
          Single.fromCallable(() -> methods.isEmpty() || methods.contains(request.methodName()) ? answer(request)
                  : MethodResponse.ofJson(501, "{\"error\":\"not served: " + request.methodName().replace("\"", "")
                      + "\"}"))
              .subscribeOn(Schedulers.io())
              .flatMapCompletable(reply -> invocation.respond(reply).doOnComplete(() -> {
                out.println(style.bold("method " + request.methodName()) + "  " + request.payloadAsString()
                    + "  -> " + reply.status() + " " + reply.payloadAsString());
                out.flush();
                answered.incrementAndGet();
              }))
              .subscribe(() -> { }, e -> {
                spec.commandLine().getErr().println("could not answer " + request.methodName() + ": "
                    + Failures.firstLine(e));
                spec.commandLine().getErr().flush();
              });
        });
        out.println("serving " + (methods.isEmpty() ? "every direct method" : "methods " + methods) + " as "
            + session.client().deviceId() + " on " + session.endpoint() + " (Ctrl-C to stop)");
        out.flush();
        int code = bounds.await(stop, answered::get);
        session.disconnect();
        out.println("answered " + answered.get() + " request" + (answered.get() == 1 ? "" : "s"));
        out.flush();
        return code;
      }
    }

    private MethodResponse answer(MethodRequest request) {
      if (exec == null) {
        return MethodResponse.ofJson(status, response != null ? response
            : "{\"method\":\"" + request.methodName().replace("\"", "") + "\",\"handled\":true}");
      }
      try {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", exec).redirectErrorStream(false);
        builder.environment().put("RXIOTHUB_METHOD", request.methodName());
        Process process = builder.start();
        try (OutputStream stdin = process.getOutputStream()) {
          stdin.write(request.payload());
        }
        byte[] stdout = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return MethodResponse.ofJson(500, "{\"error\":\"--exec command timed out\"}");
        }
        String body = new String(stdout, StandardCharsets.UTF_8).trim();
        if (process.exitValue() != 0) {
          return MethodResponse.ofJson(500, "{\"error\":\"--exec command exited with " + process.exitValue() + "\"}");
        }
        return body.isEmpty() ? MethodResponse.of(status) : MethodResponse.ofJson(status, body);
      } catch (IOException | IllegalArgumentException e) {
        return MethodResponse.ofJson(500, "{\"error\":\"--exec failed or printed no JSON\"}");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return MethodResponse.ofJson(500, "{\"error\":\"interrupted\"}");
      }
    }
  }

  /** Invokes a direct method through the running emulator. */
  @Command(name = "invoke", mixinStandardHelpOptions = true,
      description = "Invoke a direct method on a device of the running `rxiothub emulator` (its service side) and"
          + " print the device's status and payload.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the device answered 2xx", "1:the device answered another status (404: not connected or"
          + " not serving methods; 504: no answer in time)", "4:no running emulator"})
  static final class Invoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ServiceOptions service;

    @Option(names = {"-d", "--device"}, required = true, paramLabel = "ID", description = "The device id.")
    String deviceId;

    @Option(names = {"-m", "--module"}, paramLabel = "ID", description = "Invoke on this module of the device.")
    @Nullable String moduleId;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
        description = "How long the device has to answer, 1..300 (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds = 30;

    @Parameters(index = "0", paramLabel = "METHOD", description = "The method name.")
    String method;

    @Parameters(index = "1", arity = "0..1", paramLabel = "JSON", description = "The payload (default: none).")
    @Nullable String payload;

    @Override
    public Integer call() {
      if (timeoutSeconds < 1 || timeoutSeconds > 300) {
        throw new IllegalArgumentException("--timeout must be 1..300 seconds");
      }
      JsonNode answer = service.client().invokeMethod(deviceId, moduleId, method, payload == null ? "" : payload,
          timeoutSeconds);
      int status = answer.path("status").asInt();
      PrintWriter out = spec.commandLine().getOut();
      out.println("status " + status);
      EmulatorCommand.printJson(out, answer.path("payload"));
      if (status >= 200 && status < 300) {
        return ExitCodes.OK;
      }
      PrintWriter err = spec.commandLine().getErr();
      if (status == 404) {
        err.println("the device is not connected or not serving methods: run `rxiothub methods serve` for it");
      } else if (status == 504) {
        err.println("the device did not answer within " + timeoutSeconds + " s");
      }
      err.flush();
      return ExitCodes.FAILED;
    }
  }
}
