// Twin requests (protocol.md §6): a device's GET and reported PATCH answered on $iothub/twin/res/, injected twin
// failures, and the service's desired updates pushed to a subscribed device.
package io.rxiothub.emulator.internal;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers twin requests from the {@link TwinStore}. Thread-safe. */
public final class TwinRequests {

  private static final Logger LOG = LoggerFactory.getLogger(TwinRequests.class);

  private final TwinStore twins;
  private final FaultInjector faults;
  private final Sessions sessions;
  private final Publisher publisher;
  private final PnpShapes pnp;

  /** Creates the handler; {@code pnp} says whose reported patches must follow the Plug and Play conventions. */
  public TwinRequests(TwinStore twins, FaultInjector faults, Sessions sessions, Publisher publisher, PnpShapes pnp) {
    this.twins = twins;
    this.faults = faults;
    this.sessions = sessions;
    this.publisher = publisher;
    this.pnp = pnp;
  }

  /** A device's GET: 200 with the device view of its twin. */
  public void get(Identity identity, @Nullable String rid) {
    if (injectedFailure(identity, rid)) {
      return;
    }
    publisher.reply(identity, RequestGrammar.twinResponse(200, rid), twins.deviceView(identity));
  }

  /** A device's reported PATCH: 204 with the new reported {@code $version}, or 400 when the patch is bad. */
  public void patchReported(Identity identity, @Nullable String rid, byte[] body) {
    if (injectedFailure(identity, rid)) {
      return;
    }
    String broken = pnp.isPnp(identity) ? PnpShapes.violation(body) : null;
    if (broken != null) {
      LOG.info("hub emulator: rejected the reported patch of Plug and Play identity {} with 400: {}", identity, broken);
      publisher.reply(identity, RequestGrammar.twinResponse(400, rid), RequestGrammar.errorBody(400004,
          "Plug and Play convention: " + broken));
      return;
    }
    try {
      long version = twins.patchReported(identity, body);
      publisher.reply(identity, RequestGrammar.twinResponse(204, rid, version), new byte[0]);
    } catch (IllegalArgumentException e) {
      LOG.info("hub emulator: rejected the reported patch of {} with 400: {}", identity, e.getMessage());
      publisher.reply(identity, RequestGrammar.twinResponse(400, rid), RequestGrammar.errorBody(400004,
          e.getMessage()));
    }
  }

  private boolean injectedFailure(Identity identity, @Nullable String rid) {
    int status = faults.takeTwinFailure(identity.clientId());
    if (status == 0) {
      return false;
    }
    LOG.info("hub emulator: fault: answered a twin request of {} with {}", identity, status);
    publisher.reply(identity, RequestGrammar.twinResponse(status, rid), RequestGrammar.errorBody(status * 1000 + 1,
        "injected fault: status " + status));
    return true;
  }

  /** Applies a desired patch and pushes it to the identity if it is connected and subscribed. */
  public long updateDesired(Identity identity, String jsonPatch) {
    TwinStore.DesiredUpdate update = twins.patchDesired(identity, jsonPatch);
    push(identity, update);
    return update.version();
  }

  /** Applies a service patch of tags and desired in one write; a desired change is pushed as in updateDesired. */
  public void updateTwin(Identity identity, @Nullable String tagsPatch, @Nullable String desiredPatch) {
    TwinStore.DesiredUpdate update = twins.patchService(identity, tagsPatch, desiredPatch);
    if (update != null) {
      push(identity, update);
    }
  }

  private void push(Identity identity, TwinStore.DesiredUpdate update) {
    if (sessions.isSubscribed(identity, TopicRules.TWIN_DESIRED_FILTER)) {
      publisher.publish(identity, RequestGrammar.desiredPatch(update.version()), update.notification(), 1);
    }
  }
}
