package dev.streamstate.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.pipelines.cli.StreamState;
import dev.streamstate.pipelines.io.cassandra.AccountAggregate;
import dev.streamstate.pipelines.io.cassandra.CassandraSchema;
import dev.streamstate.testing.RealServers;
import dev.streamstate.testing.TestRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.cassandra.CassandraIO;
import org.apache.beam.sdk.testing.PAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Historic averages go into a real Cassandra node with CassandraIO and come back out with it. */
@ExtendWith(RealServers.class)
class CassandraHistoryTest {

  @TempDir Path dir;

  @Test
  void loadsHistoryAsUpsertsAndReadsItBackWithCassandraIO() throws IOException {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    TestCassandra.schema(cassandra);
    try (com.datastax.driver.core.Cluster cluster =
            com.datastax.driver.core.Cluster.builder()
                .addContactPoint(cassandra.host())
                .withPort(cassandra.port())
                .withoutJMXReporting()
                .build();
        com.datastax.driver.core.Session session = cluster.connect()) {
      session.execute("TRUNCATE finances.account_aggregates"); // other tests share the node
    }
    load(cassandra, "123-ABC-789,500.0", "456-DEF-456,20.5", "not,a,row", "333-XYZ-999,NaN");
    // Loading again is an upsert by account: a changed average replaces the old one.
    load(cassandra, "456-DEF-456,21.75", "987-CBA-321,1000");

    Pipeline p = TestRunner.DIRECT.newPipeline();
    PAssert.that(
            p.apply(
                CassandraIO.<AccountAggregate>read()
                    .withHosts(List.of(cassandra.host()))
                    .withPort(cassandra.port())
                    .withKeyspace(CassandraSchema.KEYSPACE)
                    .withTable("account_aggregates")
                    .withEntity(AccountAggregate.class)
                    .withCoder(AccountAggregate.Coder.of())))
        .containsInAnyOrder(
            new AccountAggregate("123-ABC-789", 500.0),
            new AccountAggregate("456-DEF-456", 21.75),
            new AccountAggregate("987-CBA-321", 1000.0));
    TestRunner.DIRECT.run(p);
  }

  @Test
  void anUnreachableNodeIsReportedInOneLine() throws IOException {
    Path csv = Files.writeString(dir.resolve("h.csv"), "a,1\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        StreamState.run(
            new String[] {"load-history", "--cassandraPort=1", "--input=" + csv},
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, exit);
    String message = err.toString(StandardCharsets.UTF_8);
    assertThat(
        message, startsWith("streamstate load-history: no Cassandra answers at 127.0.0.1:1 ("));
    assertEquals(1, message.lines().count(), message);
  }

  private void load(EmbeddedCassandra cassandra, String... lines) throws IOException {
    Path csv = Files.createTempFile(dir, "history", ".csv");
    Files.write(csv, List.of(lines));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        StreamState.run(
            new String[] {
              "load-history",
              "--cassandraHosts=" + cassandra.host(),
              "--cassandraPort=" + cassandra.port(),
              "--input=" + csv
            },
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
  }
}
