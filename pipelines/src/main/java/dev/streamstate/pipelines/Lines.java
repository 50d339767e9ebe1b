package dev.streamstate.pipelines;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines (LF or CRLF) without decoding them: decoding is the pipeline's
 * job, so that invalid bytes become a dead letter rather than a silently replaced character.
 */
final class Lines {
  private Lines() {}

  /** Receives one line's bytes. */
  @FunctionalInterface
  interface LineSink {
    void accept(byte[] line) throws InterruptedException;
  }

  /** Reads {@code in} to its end, handing every line (and a last unterminated one) to {@code sink}. */
  static void read(InputStream in, LineSink sink) throws IOException, InterruptedException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b == '\n') {
        sink.accept(withoutCarriageReturn(line.toByteArray()));
        line.reset();
      } else {
        line.write(b);
      }
    }
    if (line.size() > 0) {
      sink.accept(withoutCarriageReturn(line.toByteArray()));
    }
  }

  private static byte[] withoutCarriageReturn(byte[] line) {
    int n = line.length;
    return n > 0 && line[n - 1] == '\r' ? Arrays.copyOf(line, n - 1) : line;
  }
}
