package dev.streamstate.pipelines;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

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
    for (byte[] line = next(in); line != null; line = next(in)) {
      sink.accept(line);
    }
  }

  /** The next line of {@code in} (a last unterminated one too), or null at its end. */
  static byte @Nullable [] next(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b = in.read();
    if (b < 0) {
      return null;
    }
    for (; b >= 0 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    return withoutCarriageReturn(line.toByteArray());
  }

  private static byte[] withoutCarriageReturn(byte[] line) {
    int n = line.length;
    return n > 0 && line[n - 1] == '\r' ? Arrays.copyOf(line, n - 1) : line;
  }
}
