package dev.streamstate.pipelines;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.joda.time.Instant;

/**
 * Lines from a TCP server, the classic {@code nc -lk 9999} demo ({@code socketTextStream}).
 *
 * <p>Each line is stamped with the time it is handed to the pipeline: a socket carries no event
 * time. A socket cannot be replayed, so, as with Spark's socket receiver, lines received but not
 * yet processed when the job dies are lost; use a replay file or Kafka where that matters.
 */
final class SocketSource extends UnboundedSource<byte[], SocketSource.NoReplay> {
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  private final String host;
  private final int port;

  SocketSource(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** Fails fast, with the fix, when nothing listens at host:port. */
  static void checkReachable(String host, int port) {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot connect to "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "): start a line server first, e.g. nc -lk "
              + port);
    }
  }

  @Override
  public List<SocketSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this); // one connection: a socket stream cannot be partitioned
  }

  @Override
  public UnboundedReader<byte[]> createReader(PipelineOptions options, NoReplay checkpoint)
      throws IOException {
    return new LineReader(this);
  }

  @Override
  public Coder<NoReplay> getCheckpointMarkCoder() {
    return SerializableCoder.of(NoReplay.class);
  }

  @Override
  public Coder<byte[]> getOutputCoder() {
    return ByteArrayCoder.of();
  }

  /** A socket has no position to resume from. */
  static final class NoReplay implements UnboundedSource.CheckpointMark, Serializable {
    @Override
    public void finalizeCheckpoint() {}
  }

  /** Reads lines on a daemon thread; the pipeline takes them without blocking. */
  private static final class LineReader extends UnboundedReader<byte[]> {
    private final SocketSource source;
    private final BlockingQueue<byte[]> lines = new LinkedBlockingQueue<>(100_000);
    private Socket socket;
    private byte[] current;
    private Instant currentTimestamp;

    LineReader(SocketSource source) {
      this.source = source;
    }

    @Override
    public boolean start() throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress(source.host, source.port), CONNECT_TIMEOUT_MILLIS);
      Thread receiver = new Thread(this::receive, "socket-lines-" + source.host + ":" + source.port);
      receiver.setDaemon(true);
      receiver.start();
      return advance();
    }

    private void receive() {
      try (InputStream in = new BufferedInputStream(socket.getInputStream())) {
        Lines.read(in, lines::put);
      } catch (IOException e) {
        // Closed by close(), or the server went away: no more lines.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public boolean advance() {
      current = lines.poll();
      if (current == null) {
        return false;
      }
      currentTimestamp = Instant.now();
      return true;
    }

    @Override
    public byte[] getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public Instant getCurrentTimestamp() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return currentTimestamp;
    }

    /** Lines are stamped when taken, so none still queued can be behind the clock. */
    @Override
    public Instant getWatermark() {
      return Instant.now();
    }

    @Override
    public CheckpointMark getCheckpointMark() {
      return new NoReplay();
    }

    @Override
    public UnboundedSource<byte[], ?> getCurrentSource() {
      return source;
    }

    @Override
    public void close() throws IOException {
      if (socket != null) {
        socket.close();
      }
    }
  }
}
