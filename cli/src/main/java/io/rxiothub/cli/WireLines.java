// Formats the wire tap's packets and events as aligned lines: "dev -> hub  PUBLISH qos 1 id 2 devices/...".
package io.rxiothub.cli;

import io.rxiothub.cli.wire.WireFrame;

/** One line per packet, the direction first. */
final class WireLines {

  private WireLines() {}

  static String format(WireFrame frame, Style style) {
    String direction = frame.direction() == WireFrame.Direction.TO_HUB ? "dev -> hub" : "dev <- hub";
    return style.cyan(direction) + "  " + frame.describe();
  }
}
