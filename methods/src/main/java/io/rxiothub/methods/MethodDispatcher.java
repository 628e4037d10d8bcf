// The dispatch table of direct methods: one handler per name, an optional default, exactly one reply each.
package io.rxiothub.methods;

import io.rxiothub.methods.internal.Json;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each {@link MethodRequest} to the handler registered for its name, else to the default handler,
 * else answers {@value #NOT_IMPLEMENTED} (protocol.md §7, the official C# SDK's convention for a method
 * name that is not registered; the hub's own 404 means "device offline or not subscribed", a different
 * thing). Exactly one reply per request reaches the {@link MethodReplySink}:
 * <ul>
 *   <li>the handler's first {@link MethodReply#send} or {@link MethodReply#fail} (later ones are ignored and
 *       logged at WARN);</li>
 *   <li>{@value #HANDLER_FAILED} with a JSON error body when the handler throws (any exception or error
 *       except {@link VirtualMachineError} and {@link LinkageError}, which propagate) before replying, or
 *       calls {@code fail};</li>
 *   <li>{@value #NOT_IMPLEMENTED} with a JSON error body when no handler applies.</li>
 * </ul>
 * A handler that never replies produces no reply; the hub then answers its caller 504 after the method's
 * response timeout. The table is thread-safe: handlers may be registered and unregistered while requests
 * are dispatched.
 *
 * <p>Error bodies look like
 * {@code {"status":501,"error":"MethodNotImplemented","methodName":"reboot","message":"…"}}.
 */
public final class MethodDispatcher {

  /** Status of the reply when the handler failed. */
  public static final int HANDLER_FAILED = 500;
  /** Status of the reply when no handler is registered for the method. */
  public static final int NOT_IMPLEMENTED = 501;

  private static final Logger LOG = LoggerFactory.getLogger(MethodDispatcher.class);

  private static final Object[] EMPTY = new Object[0];

  private final String logId;
  // A device registers a handful of methods, mostly once, and a client keeps its dispatcher for life. So
  // the table is one array of name, handler, name, handler... replaced on each change (under this object's
  // monitor) and read without a lock: about 150 bytes less per client than a ConcurrentHashMap and an
  // AtomicReference.
  private volatile Object[] table = EMPTY;
  private volatile @Nullable MethodHandler defaultHandler;

  private MethodDispatcher(String logId) {
    this.logId = logId;
  }

  /** Returns an empty dispatcher whose log lines start with "methods". */
  public static MethodDispatcher create() {
    return new MethodDispatcher("methods");
  }

  /**
   * Returns an empty dispatcher whose log lines start with {@code logId} (e.g. the device id).
   *
   * @throws IllegalArgumentException if {@code logId} is null
   */
  public static MethodDispatcher create(String logId) {
    if (logId == null) {
      throw new IllegalArgumentException("logId must not be null");
    }
    return new MethodDispatcher(logId);
  }

  /**
   * Registers {@code handler} for {@code methodName}.
   *
   * @return the registration; {@link Registration#unregister()} removes this handler
   * @throws IllegalArgumentException if {@code methodName} is not a valid method name or {@code handler}
   *     is null
   * @throws IllegalStateException if a handler is already registered for {@code methodName}
   */
  public Registration register(final String methodName, final MethodHandler handler) {
    MethodTopic.checkName(methodName);
    if (handler == null) {
      throw new IllegalArgumentException("handler must not be null");
    }
    synchronized (this) {
      Object[] t = table;
      if (indexOf(t, methodName) >= 0) {
        throw new IllegalStateException("a handler for method '" + methodName
            + "' is already registered; unregister it first");
      }
      Object[] grown = Arrays.copyOf(t, t.length + 2);
      grown[t.length] = methodName;
      grown[t.length + 1] = handler;
      table = grown;
    }
    return new Registration() {
      @Override
      public boolean unregister() {
        return remove(methodName, handler);
      }
    };
  }

  /**
   * Registers the handler of every method that has no handler of its own.
   *
   * @throws IllegalArgumentException if {@code handler} is null
   * @throws IllegalStateException if a default handler is already registered
   */
  public Registration registerDefault(final MethodHandler handler) {
    if (handler == null) {
      throw new IllegalArgumentException("handler must not be null");
    }
    synchronized (this) {
      if (defaultHandler != null) {
        throw new IllegalStateException("a default method handler is already registered; unregister it first");
      }
      defaultHandler = handler;
    }
    return new Registration() {
      @Override
      public boolean unregister() {
        synchronized (MethodDispatcher.this) {
          if (defaultHandler != handler) {
            return false;
          }
          defaultHandler = null;
          return true;
        }
      }
    };
  }

  /** Removes {@code handler} of {@code methodName} if it is the registered one. */
  private synchronized boolean remove(String methodName, MethodHandler handler) {
    Object[] t = table;
    int i = indexOf(t, methodName);
    if (i < 0 || t[i + 1] != handler) {
      return false;
    }
    Object[] shrunk = t.length == 2 ? EMPTY : new Object[t.length - 2];
    System.arraycopy(t, 0, shrunk, 0, i);
    System.arraycopy(t, i + 2, shrunk, i, t.length - i - 2);
    table = shrunk;
    return true;
  }

  /** The index of {@code methodName} in {@code table}, or -1. */
  private static int indexOf(Object[] table, String methodName) {
    for (int i = 0; i < table.length; i += 2) {
      if (table[i].equals(methodName)) {
        return i;
      }
    }
    return -1;
  }

  /** The handler registered for {@code methodName}, or null. */
  private @Nullable MethodHandler handlerOf(String methodName) {
    Object[] t = table;
    int i = indexOf(t, methodName);
    return i < 0 ? null : (MethodHandler) t[i + 1];
  }

  /** Returns whether a request for {@code methodName} would reach a handler (its own or the default). */
  public boolean hasHandler(String methodName) {
    return handlerOf(methodName) != null || defaultHandler != null;
  }

  /**
   * Dispatches {@code request}; its one reply reaches {@code sink}, synchronously if the handler replies
   * synchronously, otherwise later on the handler's thread.
   *
   * @throws IllegalArgumentException if an argument is null
   */
  public void dispatch(MethodRequest request, MethodReplySink sink) {
    dispatch(request, sink, null);
  }

  /**
   * Dispatches {@code request} as {@link #dispatch(MethodRequest, MethodReplySink)} does, except that a
   * request neither a handler of its own nor the default takes goes to {@code unhandled} when it is not
   * null (for example a stream of requests), before the {@value #NOT_IMPLEMENTED} reply.
   *
   * @throws IllegalArgumentException if {@code request} or {@code sink} is null
   */
  public void dispatch(MethodRequest request, MethodReplySink sink, @Nullable MethodHandler unhandled) {
    if (request == null) {
      throw new IllegalArgumentException("request must not be null");
    }
    if (sink == null) {
      throw new IllegalArgumentException("sink must not be null");
    }
    MethodHandler handler = handlerOf(request.methodName());
    if (handler == null) {
      handler = defaultHandler;
    }
    if (handler == null) {
      handler = unhandled;
    }
    OnceReply reply = new OnceReply(request, sink);
    if (handler == null) {
      LOG.debug("{}: no handler for method '{}' ($rid={}): replying {}",
          logId, request.methodName(), request.rid(), NOT_IMPLEMENTED);
      reply.send(notImplemented(request.methodName()));
      return;
    }
    LOG.debug("{}: dispatching method '{}' ($rid={})", logId, request.methodName(), request.rid());
    try {
      handler.handle(request, reply);
    } catch (Throwable e) {
      // Like RxJava's Exceptions.throwIfFatal: a failing handler still gets its one reply, unless the JVM
      // itself is failing.
      if (e instanceof VirtualMachineError || e instanceof LinkageError) {
        throw (Error) e;
      }
      if (!reply.fail(e)) {
        LOG.warn("{}: handler of method '{}' ($rid={}) threw after replying; the exception is ignored",
            logId, request.methodName(), request.rid(), e);
      }
    }
  }

  /**
   * Returns the reply for a method nobody handles: status {@value #NOT_IMPLEMENTED} with the JSON
   * error body {@link #dispatch} sends; for callers that route some requests elsewhere first.
   *
   * @throws IllegalArgumentException if {@code methodName} is null
   */
  public static MethodResponse notImplemented(String methodName) {
    if (methodName == null) {
      throw new IllegalArgumentException("methodName must not be null");
    }
    return MethodResponse.builder().status(NOT_IMPLEMENTED)
        .payload(errorBody(NOT_IMPLEMENTED, "MethodNotImplemented", methodName,
            "no handler is registered for method '" + methodName + "' on this device"))
        .build();
  }

  static byte[] errorBody(int status, String error, String methodName, String message) {
    String json = "{\"status\":" + status + ",\"error\":" + Json.quote(error)
        + ",\"methodName\":" + Json.quote(methodName) + ",\"message\":" + Json.quote(message) + "}";
    return json.getBytes(io.rxiothub.methods.internal.Utf8.UTF_8);
  }

  /** A handler registration. */
  public interface Registration {

    /**
     * Removes the handler if it is still the registered one; idempotent.
     *
     * @return true if this call removed it
     */
    boolean unregister();
  }

  /** The reply channel handed to a handler: the first answer wins, atomically. */
  private final class OnceReply implements MethodReply {

    private final MethodRequest request;
    private final MethodReplySink sink;
    private final AtomicBoolean done = new AtomicBoolean();

    OnceReply(MethodRequest request, MethodReplySink sink) {
      this.request = request;
      this.sink = sink;
    }

    @Override
    public boolean send(MethodResponse response) {
      if (response == null) {
        throw new IllegalArgumentException("response must not be null (use MethodResponse.of(status))");
      }
      if (!done.compareAndSet(false, true)) {
        LOG.warn("{}: method '{}' ($rid={}) was already answered; ignoring the extra reply {}",
            logId, request.methodName(), request.rid(), response);
        return false;
      }
      sink.reply(request, response);
      return true;
    }

    @Override
    public boolean fail(Throwable error) {
      String type = error == null ? "unknown error" : error.getClass().getName();
      if (done.get()) {
        LOG.warn("{}: method '{}' ($rid={}) was already answered; ignoring the failure",
            logId, request.methodName(), request.rid(), error);
        return false;
      }
      LOG.warn("{}: handler of method '{}' ($rid={}) failed: replying {}",
          logId, request.methodName(), request.rid(), HANDLER_FAILED, error);
      return send(MethodResponse.builder().status(HANDLER_FAILED)
          .payload(errorBody(HANDLER_FAILED, "MethodHandlerFailed", request.methodName(),
              "the handler of method '" + request.methodName() + "' failed with " + type))
          .build());
    }

    @Override
    public boolean isDone() {
      return done.get();
    }
  }
}
