package dev.streamstate.pipelines.io.socket;

import dev.streamstate.pipelines.io.file.Lines;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>A line over {@link dev.streamstate.transforms.common.RecordLimit#MAX_BYTES} is not held whole:
 * only its first bytes are queued, the rest is dropped as it arrives, and the pipeline makes it a
 * dead letter (see {@link Lines}).
 */
public final class SocketSource extends UnboundedSource<byte[], SocketSource.NoReplay> {
  private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

  private final String host;
  private final int port;

  public SocketSource(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** Fails fast, with the fix, when nothing listens at host:port. */
  public static void checkReachable(String host, int port) {
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

  /**
   * One connection per server and JVM, read on a daemon thread into a queue. Beam's Spark runner
   * closes a reader it has not used for 1.5 batch intervals (a slow batch is enough) and opens a
   * new one; the connection outlives its readers, so lines already received are not lost and the
   * server sees one client, as with Spark's socket receiver. A connection the server ended is
   * replaced once its lines are taken.
   */
  private static final class Connection {
    private static final Map<String, Connection> OPEN = new HashMap<>();

    private final BlockingQueue<byte[]> lines = new LinkedBlockingQueue<>(100_000);
    private final Socket socket;
    private volatile boolean ended;

    private Connection(Socket socket) {
      this.socket = socket;
    }

    static synchronized Connection to(String host, int port) throws IOException {
      String server = host + ":" + port;
      Connection connection = OPEN.get(server);
      if (connection == null || (connection.ended && connection.lines.isEmpty())) {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        connection = new Connection(socket);
        Thread receiver = new Thread(connection::receive, "socket-lines-" + server);
        receiver.setDaemon(true);
        receiver.start();
        OPEN.put(server, connection);
      }
      return connection;
    }

    private void receive() {
      try (InputStream in = new BufferedInputStream(socket.getInputStream())) {
        Lines.read(in, lines::put);
      } catch (IOException e) {
        // The server went away: no more lines on this connection.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        ended = true;
      }
    }
  }

  /** Takes lines from the shared connection without blocking. */
  private static final class LineReader extends UnboundedReader<byte[]> {
    private final SocketSource source;
    private Connection connection;
    private byte[] current;
    private Instant currentTimestamp;

    LineReader(SocketSource source) {
      this.source = source;
    }

    @Override
    public boolean start() throws IOException {
      connection = Connection.to(source.host, source.port);
      return advance();
    }

    @Override
    public boolean advance() {
      current = connection.lines.poll();
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

    /** The connection stays open for the next reader of this server (see {@link Connection}). */
    @Override
    public void close() {}
  }
}
