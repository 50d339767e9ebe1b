package dev.streamstate.pipelines.io.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamstate.testing.TestRunner;
import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.RecordLimit;
import dev.streamstate.transforms.common.Utf8;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** The socket source against a real TCP server on 127.0.0.1, as {@code nc -lk} would serve. */
class SocketSourceTest {

  @Test
  void readsLinesAsBytesStampedWhenTaken() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SocketSource source = new SocketSource("127.0.0.1", server.getLocalPort());
      UnboundedReader<byte[]> reader = source.createReader(PipelineOptionsFactory.create(), null);
      Instant before = Instant.now();
      assertFalse(reader.start(), "nothing sent yet");
      try (Socket client = server.accept()) {
        OutputStream out = client.getOutputStream();
        out.write("hello world\r\nsecond\n".getBytes(StandardCharsets.UTF_8));
        out.write(new byte[] {(byte) 0xFF, '\n'});
        out.flush();

        List<byte[]> lines = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 10_000;
        while (lines.size() < 3 && System.currentTimeMillis() < deadline) {
          if (reader.advance()) {
            lines.add(reader.getCurrent());
            assertFalse(reader.getCurrentTimestamp().isBefore(before));
            assertFalse(reader.getWatermark().isBefore(reader.getCurrentTimestamp()));
          } else {
            Thread.sleep(10);
          }
        }
        assertArrayEquals("hello world".getBytes(StandardCharsets.UTF_8), lines.get(0));
        assertArrayEquals("second".getBytes(StandardCharsets.UTF_8), lines.get(1));
        assertArrayEquals(
            new byte[] {(byte) 0xFF}, lines.get(2), "bytes are decoded later, strictly");
      } finally {
        reader.close();
      }
      assertTrue(source.split(4, PipelineOptionsFactory.create()).size() == 1);
    }
  }

  @Test
  void aReaderOpenedAfterAnotherWasClosedGoesOnReadingTheSameConnection() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SocketSource source = new SocketSource("127.0.0.1", server.getLocalPort());
      UnboundedReader<byte[]> first = source.createReader(PipelineOptionsFactory.create(), null);
      first.start();
      try (Socket client = server.accept()) {
        OutputStream out = client.getOutputStream();
        out.write("one\ntwo\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertArrayEquals("one".getBytes(StandardCharsets.UTF_8), next(first));
        first.close(); // as the Spark runner does with a reader it has not used for a while

        UnboundedReader<byte[]> second = source.createReader(PipelineOptionsFactory.create(), null);
        // The connection's reader may still be taking "two" in: start() need not have it yet.
        byte[] two = second.start() ? second.getCurrent() : next(second);
        assertArrayEquals("two".getBytes(StandardCharsets.UTF_8), two, "a received line was lost");
        out.write("three\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        assertArrayEquals("three".getBytes(StandardCharsets.UTF_8), next(second));
        second.close();
      }
    }
  }

  @Test
  void aLineOverTheCapIsHandedOnCutJustPastTheCapAndTheNextLineWhole() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SocketSource source = new SocketSource("127.0.0.1", server.getLocalPort());
      UnboundedReader<byte[]> reader = source.createReader(PipelineOptionsFactory.create(), null);
      reader.start();
      try (Socket client = server.accept()) {
        sendLineOverTheCapThenAfter(client.getOutputStream());
        byte[] cut = next(reader);
        assertEquals(RecordLimit.MAX_BYTES + 1, cut.length, "kept: just enough to tell it is over");
        assertArrayEquals(
            "after".getBytes(StandardCharsets.UTF_8), next(reader), "the rest was dropped");
      } finally {
        reader.close();
      }
    }
  }

  @Test
  void aLineOverTheCapBecomesOneDeadLetterWithItsBeginningAndTheNextLineIsRead() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // The pipeline connects when it runs: the server answers from another thread, then hangs up.
      CompletableFuture<Void> sent =
          CompletableFuture.runAsync(
              () -> {
                try (Socket client = server.accept()) {
                  sendLineOverTheCapThenAfter(client.getOutputStream());
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      SocketSource source = new SocketSource("127.0.0.1", server.getLocalPort());
      Pipeline p = TestRunner.DIRECT.newPipeline();
      WithFailures.Result<PCollection<String>, DeadLetter> lines =
          p.apply(Read.from(source).withMaxNumRecords(2))
              .apply(Utf8.decode()); // as --source=socket

      PAssert.that(lines.output()).containsInAnyOrder("after");
      PAssert.that(lines.failures())
          .containsInAnyOrder(
              new DeadLetter(
                  "x".repeat(1024),
                  "record of more than 1048576 bytes (the cap on a record): only its beginning is"
                      + " kept; split it into smaller records"));
      TestRunner.DIRECT.run(p);
      sent.join();
    }
  }

  /** Sends a line of 5 MiB, far over the cap, then a normal line. */
  private static void sendLineOverTheCapThenAfter(OutputStream out) throws IOException {
    byte[] mebibyte = "x".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 5; i++) {
      out.write(mebibyte);
    }
    out.write("\nafter\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static byte[] next(UnboundedReader<byte[]> reader) throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      if (reader.advance()) {
        return reader.getCurrent();
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no line within 10 s");
  }
}
