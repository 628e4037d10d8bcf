// A fixture for JavadocRulesTest (not compiled): public Javadoc that points into internal in each way it can.
package io.example;

import io.example.internal.Engine;
import java.util.List;

/**
 * Uses {@link Engine} and {@link List}; see {@linkplain io.example.internal.Engine#run() the engine}.
 *
 * @see Engine#stop()
 */
public final class Api {

  /** At most {@value io.example.internal.Engine#WINDOW} at once; {@link Api} is fine. */
  public void run() {}
}
