package dev.streamstate.pipelines.io.cassandra;

import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.ResultSetFuture;
import com.datastax.driver.core.Session;
import com.datastax.driver.core.exceptions.DriverException;
import com.datastax.driver.core.exceptions.QueryValidationException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upserts JSON results into a Cassandra table, one {@code INSERT … JSON} per result, whose columns
 * are named like the JSON fields. An insert is an upsert by primary key, so a result written twice
 * (a micro-batch recomputed after a crash, a late pane) leaves one row: the sink is idempotent.
 *
 * <p>Writes go through this JVM's shared session ({@link CassandraSessions}), all of a bundle's in
 * flight at once, and the bundle ends only when the node has taken every one. A write the node does
 * not take is retried with growing pauses for up to {@code retryFor}; then the micro-batch fails
 * with a message naming the node, and the pipeline stops rather than lose a result.
 */
public final class CassandraUpserts extends PTransform<PCollection<String>, PCollection<Void>> {
  private final CassandraEndpoint endpoint;
  private final String table;
  private final Duration retryFor;

  private CassandraUpserts(CassandraEndpoint endpoint, String table, Duration retryFor) {
    this.endpoint = endpoint;
    this.table = table;
    this.retryFor = retryFor;
  }

  /**
   * Upserts into {@code keyspace.table} of {@code endpoint}, retrying a failed write for {@code
   * retryFor}.
   */
  public static CassandraUpserts into(
      CassandraEndpoint endpoint, String keyspace, String table, Duration retryFor) {
    return new CassandraUpserts(endpoint, keyspace + "." + table, retryFor);
  }

  @Override
  public PCollection<Void> expand(PCollection<String> json) {
    return json.apply(ParDo.of(new UpsertFn(endpoint, table, retryFor)));
  }

  private static final class UpsertFn extends DoFn<String, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(CassandraUpserts.class);
    private static final int IN_FLIGHT = 256;
    private static final long FIRST_PAUSE_MILLIS = 500;
    private static final long LONGEST_PAUSE_MILLIS = 8_000;

    private final CassandraEndpoint endpoint;
    private final String table;
    private final Duration retryFor;
    private transient List<String> pending;

    UpsertFn(CassandraEndpoint endpoint, String table, Duration retryFor) {
      this.endpoint = endpoint;
      this.table = table;
      this.retryFor = retryFor;
    }

    @StartBundle
    public void start() {
      pending = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element String json) {
      pending.add(json);
      if (pending.size() >= IN_FLIGHT) {
        flush();
      }
    }

    @FinishBundle
    public void finish() {
      flush();
    }

    /**
     * Writes everything pending; what the node refuses is retried until {@code retryFor} is spent.
     */
    private void flush() {
      long giveUpAt = System.currentTimeMillis() + retryFor.getMillis();
      long pause = FIRST_PAUSE_MILLIS;
      List<String> left = pending;
      pending = new ArrayList<>();
      while (true) {
        Failure failure = new Failure();
        left = writeAll(left, failure);
        if (left.isEmpty()) {
          return;
        }
        if (System.currentTimeMillis() + pause > giveUpAt) {
          throw new IllegalStateException(
              "Cassandra at "
                  + endpoint.address()
                  + " did not take "
                  + left.size()
                  + " writes to "
                  + table
                  + " within "
                  + retryFor.getStandardSeconds()
                  + " s ("
                  + failure.reason
                  + "); stopping rather than losing results");
        }
        LOG.warn(
            "Cassandra at {} did not take {} writes to {} ({}); retrying in {} ms",
            endpoint.address(),
            left.size(),
            table,
            failure.reason,
            pause);
        sleep(pause);
        pause = Math.min(2 * pause, LONGEST_PAUSE_MILLIS);
      }
    }

    /** Sends all of {@code rows} at once and returns those that failed. */
    private List<String> writeAll(List<String> rows, Failure failure) {
      List<String> failed = new ArrayList<>();
      List<ResultSetFuture> writes = new ArrayList<>(rows.size());
      try {
        Session session = CassandraSessions.of(endpoint);
        PreparedStatement insert =
            CassandraSessions.prepared(endpoint, "INSERT INTO " + table + " JSON ?");
        for (String row : rows) {
          writes.add(session.executeAsync(insert.bind(row)));
        }
      } catch (DriverException e) {
        failure.reason = firstLine(e);
        return rows;
      }
      for (int i = 0; i < rows.size(); i++) {
        try {
          writes.get(i).getUninterruptibly();
        } catch (QueryValidationException e) {
          // A row the table cannot hold: retrying cannot help.
          throw new IllegalStateException(
              "Cassandra refused a row for " + table + ": " + firstLine(e) + ": " + rows.get(i), e);
        } catch (DriverException e) {
          failure.reason = firstLine(e);
          failed.add(rows.get(i));
        }
      }
      return failed;
    }

    private static String firstLine(Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return message.lines().findFirst().orElse(message);
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while retrying writes to Cassandra", e);
      }
    }

    private static final class Failure {
      String reason = "no reason given";
    }
  }
}
