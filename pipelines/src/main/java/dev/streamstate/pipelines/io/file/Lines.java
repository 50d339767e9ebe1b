package dev.streamstate.pipelines.io.file;

import dev.streamstate.transforms.common.RecordLimit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Splits a byte stream into lines (LF or CRLF) without decoding them: decoding is the pipeline's
 * job, so that invalid bytes become a dead letter rather than a silently replaced character. A line
 * is kept only up to one byte over {@link RecordLimit#MAX_BYTES}, which is enough for the pipeline
 * to refuse it as a dead letter: a line that never ends must not grow memory without limit.
 */
public final class Lines {
  private Lines() {}

  /** Receives one line's bytes. */
  @FunctionalInterface
  public interface LineSink {
    void accept(byte[] line) throws InterruptedException;
  }

  /**
   * Reads {@code in} to its end, handing every line (and a last unterminated one) to {@code sink}.
   */
  public static void read(InputStream in, LineSink sink) throws IOException, InterruptedException {
    for (byte[] line = next(in); line != null; line = next(in)) {
      sink.accept(line);
    }
  }

  /**
   * The next line of {@code in} (a last unterminated one too), or null at its end. Of a line over
   * the cap, its first {@link RecordLimit#MAX_BYTES} + 1 bytes; the rest is read and dropped.
   */
  static byte @Nullable [] next(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b = in.read();
    if (b < 0) {
      return null;
    }
    boolean cut = false;
    for (; b >= 0 && b != '\n'; b = in.read()) {
      if (line.size() <= RecordLimit.MAX_BYTES) {
        line.write(b);
      } else {
        cut = true;
      }
    }
    // Only a whole line loses the CR before its LF: a cut line's last kept byte is not its last.
    return cut ? line.toByteArray() : withoutCarriageReturn(line.toByteArray());
  }

  private static byte[] withoutCarriageReturn(byte[] line) {
    int n = line.length;
    return n > 0 && line[n - 1] == '\r' ? Arrays.copyOf(line, n - 1) : line;
  }
}
