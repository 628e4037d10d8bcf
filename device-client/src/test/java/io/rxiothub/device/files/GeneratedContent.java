// Deterministic content of any length, generated as it is read (no memory), for streaming uploads and their checks.
package io.rxiothub.device.files;

import java.io.InputStream;

/** Byte {@code i} of the content is a mix of {@code i}'s bits, so a shifted or dropped block is noticed. */
final class GeneratedContent extends InputStream {

  private final long length;
  private long position;

  GeneratedContent(long length) {
    this.length = length;
  }

  static byte at(long i) {
    long x = i * 0x9E3779B97F4A7C15L;
    return (byte) (x >>> 56 ^ i);
  }

  @Override
  public int read() {
    return position < length ? at(position++) & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(len, length - position);
    for (int k = 0; k < n; k++) {
      b[off + k] = at(position++);
    }
    return n;
  }
}
