// The official Java device SDK's twin GET and reported PATCH, waited for in a way its own response race cannot defeat
// (Azure/azure-iot-sdk-java#1803, open in 2.5.0): its transport queues a received response for acknowledgement
// before it looks up the request's callback, and the receiving thread acknowledges the response and forgets the
// callback first now and then, so getTwin() and updateReportedProperties() time out although the hub answered and the
// SDK acknowledged the answer (protocol.md §13). The tests that use it bring the SDK (this module has it as provided).
package io.rxiothub.testing;

import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Each call sends one request and waits for the hub's answer through whichever of the SDK's two signals for it comes
 * first: the response callback (the one the race can skip) or the response-acknowledged callback (run by the
 * acknowledging thread itself, before it forgets the request). One request, no retry: the hub's answer is what is
 * tested, and a hub that does not answer still fails.
 */
public final class OfficialSdkTwin {

  private OfficialSdkTwin() {
  }

  /** Patches the client's reported properties; returns the new reported {@code $version} the hub answered. */
  public static int updateReported(InternalClient client, TwinCollection reported, Duration timeout)
      throws Exception {
    Answer answer = new Answer();
    client.updateReportedPropertiesAsync(reported, answer, null);
    IotHubTransportMessage response = answered(answer, timeout, "reported properties update");
    if (response.getVersion() == null) {
      throw new AssertionError("the hub's answer to the reported properties update has no $version");
    }
    return response.getVersion();
  }

  /** Gets the client's twin (desired and reported properties). */
  public static Twin get(InternalClient client, Duration timeout) throws Exception {
    Answer answer = new Answer();
    client.getTwinAsync(answer, null);
    IotHubTransportMessage response = answered(answer, timeout, "twin GET");
    return Twin.createFromPropertiesJson(new String(response.getBytes(), StandardCharsets.UTF_8));
  }

  /**
   * The answer to one request, GET or PATCH (the SDK's two callback types differ only in their response-received
   * method): the response, from whichever of the SDK's two signals comes first, or the SDK's refusal of the request.
   */
  private static final class Answer extends CompletableFuture<Message>
      implements GetTwinCorrelatingMessageCallback, ReportedPropertiesUpdateCorrelatingMessageCallback {

    @Override
    public void onRequestQueued(Message message, Object context) {
    }

    @Override
    public void onRequestSent(Message message, Object context) {
    }

    @Override
    public void onRequestAcknowledged(Message message, Object context, @Nullable IotHubClientException e) {
      if (e != null) {
        completeExceptionally(e);
      }
    }

    @Override
    public void onResponseReceived(Twin twin, Message message, Object context, IotHubStatusCode status,
        IotHubClientException e) {
      complete(message);
    }

    @Override
    public void onResponseReceived(Message message, Object context, IotHubStatusCode status,
        ReportedPropertiesUpdateResponse response, IotHubClientException e) {
      complete(message);
    }

    @Override
    public void onResponseAcknowledged(Message message, Object context) {
      complete(message);
    }
  }

  private static IotHubTransportMessage answered(CompletableFuture<Message> answer, Duration timeout, String what)
      throws Exception {
    Message message;
    try {
      message = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the official SDK saw no answer to its " + what + " within " + timeout, e);
    } catch (ExecutionException e) {
      throw new AssertionError("the official SDK's " + what + " failed before an answer: " + e.getCause(),
          e.getCause());
    }
    IotHubTransportMessage response = (IotHubTransportMessage) message;
    String status = response.getStatus();
    if (status == null || !status.startsWith("2")) {
      throw new AssertionError("the hub answered the " + what + " with status " + status);
    }
    return response;
  }
}
