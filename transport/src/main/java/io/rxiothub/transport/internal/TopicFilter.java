// MQTT 3.1.1 topic filter matching (§4.7), used to route inbound PUBLISHes to their subscribers.
package io.rxiothub.transport.internal;

/** Matches topic names against MQTT filters with {@code +} and {@code #} wildcards. */
public final class TopicFilter {

  private TopicFilter() {}

  /** Returns whether {@code topic} matches {@code filter}. */
  public static boolean matches(String filter, String topic) {
    int f = 0;
    int t = 0;
    int fl = filter.length();
    int tl = topic.length();
    if (tl > 0 && topic.charAt(0) == '$' && (fl == 0 || filter.charAt(0) != '$')) {
      // §4.7.2: wildcards at the first level never match topics starting with '$'.
      return false;
    }
    while (f < fl) {
      char c = filter.charAt(f);
      if (c == '#') {
        return true;
      }
      if (c == '+') {
        while (t < tl && topic.charAt(t) != '/') {
          t++;
        }
        f++;
        continue;
      }
      if (t >= tl) {
        // "a/#" also matches "a": the '/#' tail may match nothing.
        return c == '/' && f + 2 == fl && filter.charAt(f + 1) == '#';
      }
      if (c != topic.charAt(t)) {
        return false;
      }
      f++;
      t++;
    }
    return t == tl;
  }
}
