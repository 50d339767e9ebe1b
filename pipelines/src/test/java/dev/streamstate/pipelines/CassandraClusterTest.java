package dev.streamstate.pipelines;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import com.datastax.driver.core.exceptions.NoHostAvailableException;
import com.datastax.driver.core.exceptions.UnavailableException;
import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.pipelines.cli.StreamState;
import dev.streamstate.pipelines.io.cassandra.CassandraEndpoint;
import dev.streamstate.pipelines.io.cassandra.CassandraOptions;
import dev.streamstate.pipelines.io.cassandra.CassandraSchema;
import dev.streamstate.testing.RealServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Cassandra options a cluster needs, against the real node for what one node can show: several
 * contact points (one of them down), the local datacenter, the consistency level sent with every
 * request, TLS trusting a truststore from a file (the node takes TLS and plain connections), and
 * the schema: checked, or created with the keyspace's replication asked for, never unasked.
 */
@ExtendWith(RealServers.class)
class CassandraClusterTest {
  @TempDir Path dir;

  @Test
  void loadsAndReadsOverTlsThroughSeveralContactPointsInTheLocalDatacenter() throws Exception {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    TestCassandra.schema(cassandra);
    // 127.0.0.2 has no node: a contact point that is down is passed over.
    List<String> cluster =
        List.of(
            "--cassandraHosts=127.0.0.2," + cassandra.host(),
            "--cassandraPort=" + cassandra.port(),
            "--cassandraLocalDc=datacenter1",
            "--cassandraConsistency=local_quorum",
            "--cassandraTruststore=" + cassandra.truststore(),
            "--cassandraTruststorePasswordFile=" + cassandra.truststorePasswordFile());
    Path csv = Files.writeString(dir.resolve("history.csv"), "tls-1,10.5\ntls-2,20.25\n");
    assertEquals(
        0,
        streamstate(concat(List.of("load-history", "--input=" + csv), cluster)).exit(),
        "load-history over TLS");

    CassandraEndpoint endpoint = CassandraEndpoint.of(options(cluster));
    try (Cluster client = endpoint.cluster();
        Session session = client.connect()) {
      Map<String, Double> loaded = new TreeMap<>();
      for (Row row :
          session.execute(
              "SELECT account_number, average_transaction FROM finances.account_aggregates WHERE account_number IN ('tls-1', 'tls-2')")) {
        loaded.put(row.getString(0), row.getDouble(1));
      }
      assertEquals(Map.of("tls-1", 10.5, "tls-2", 20.25), loaded);
      // The node's own view of its clients: this one came over TLS.
      boolean overTls = false;
      for (Row client0 : session.execute("SELECT ssl_enabled FROM system_views.clients")) {
        overTls |= client0.getBool(0);
      }
      assertTrue(overTls, "no client of the node talks TLS");
    }
  }

  @Test
  void aTruststoreThatDoesNotTrustTheNodeIsRefused() throws Exception {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    // Another node's truststore: its own certificate, not this node's.
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Path truststore = other.resolve("truststore.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "other",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=other",
        "-storetype",
        "PKCS12",
        "-keystore",
        truststore.toString(),
        "-storepass",
        "changeit",
        "-keypass",
        "changeit");
    Path password = Files.writeString(other.resolve("truststore.password"), "changeit\n");
    Result refused =
        streamstate(
            "load-history",
            "--input=" + Files.writeString(dir.resolve("h.csv"), "a,1\n"),
            "--cassandraHosts=" + cassandra.host(),
            "--cassandraPort=" + cassandra.port(),
            "--cassandraTruststore=" + truststore,
            "--cassandraTruststorePasswordFile=" + password);
    assertEquals(2, refused.exit(), refused.err());
    assertThat(
        refused.err(),
        startsWith(
            "streamstate load-history: no Cassandra answers at 127.0.0.1:" + cassandra.port()));
    assertEquals(1, refused.err().lines().count(), refused.err());
  }

  @Test
  void theConsistencyLevelReachesTheNode() throws Exception {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    TestCassandra.schema(cassandra);
    // THREE replicas cannot answer on one node: the node refuses, so the level reached it.
    CassandraEndpoint three =
        CassandraEndpoint.of(
            options(
                List.of(
                    "--cassandraHosts=" + cassandra.host(),
                    "--cassandraPort=" + cassandra.port(),
                    "--cassandraConsistency=THREE")));
    try (Cluster client = three.cluster();
        Session session = client.connect()) {
      NoHostAvailableException refused =
          assertThrows(
              NoHostAvailableException.class,
              () ->
                  session.execute(
                      "INSERT INTO finances.account_aggregates (account_number, average_transaction) VALUES ('c', 1)"));
      UnavailableException unavailable =
          (UnavailableException) refused.getErrors().values().iterator().next();
      assertEquals("THREE", unavailable.getConsistencyLevel().name());
    }
  }

  @Test
  void theSchemaIsCheckedAndCreatedOnlyWhenAskedWithTheReplicationAskedFor() throws Exception {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    try (Cluster client = TestCassandra.cluster(cassandra);
        Session session = client.connect()) {
      // Other tests share the node; they find the schema again as --createSchema leaves it.
      session.execute("DROP KEYSPACE finances");
      List<String> node =
          List.of("--cassandraHosts=" + cassandra.host(), "--cassandraPort=" + cassandra.port());

      assertEquals(
          "Cassandra at 127.0.0.1:"
              + cassandra.port()
              + " has no finances.account_aggregates,"
              + " finances.activity_runs, finances.alerts, finances.running_word_counts, finances.sessions: create the"
              + " schema once with --createSchema (and --cassandraReplication=DATACENTER:REPLICAS,... on a cluster)",
          assertThrows(IllegalArgumentException.class, () -> CassandraSchema.ready(options(node)))
              .getMessage());

      String unknownDatacenter =
          assertThrows(
                  IllegalArgumentException.class,
                  () ->
                      CassandraSchema.ready(
                          options(
                              concat(
                                  node,
                                  List.of(
                                      "--createSchema", "--cassandraReplication=dc-nowhere:3")))))
              .getMessage();
      assertThat(unknownDatacenter, containsString("dc-nowhere"));
      assertEquals(1, unknownDatacenter.lines().count(), unknownDatacenter);

      CassandraSchema.ready(
          options(concat(node, List.of("--createSchema", "--cassandraReplication=datacenter1:1"))));
      Row keyspace =
          session
              .execute(
                  "SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'finances'")
              .one();
      assertEquals(
          Map.of(
              "class", "org.apache.cassandra.locator.NetworkTopologyStrategy", "datacenter1", "1"),
          keyspace.getMap(0, String.class, String.class));
      CassandraSchema.ready(options(node)); // all there now
    } finally {
      TestCassandra.schema(cassandra);
    }
  }

  @Test
  void badClusterOptionsSayWhatToFix() throws Exception {
    EmbeddedCassandra cassandra = RealServers.cassandra();
    TestCassandra.schema(cassandra);
    assertEquals(
        "--cassandraLocalDc=dc-nowhere: no node of Cassandra at 127.0.0.1:"
            + cassandra.port()
            + " is in it; its datacenters: datacenter1",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    CassandraSchema.ready(
                        options(
                            List.of(
                                "--cassandraPort=" + cassandra.port(),
                                "--cassandraLocalDc=dc-nowhere"))))
            .getMessage());
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> CassandraEndpoint.of(options(List.of("--cassandraConsistency=MOST"))))
            .getMessage(),
        startsWith(
            "--cassandraConsistency=MOST is not a consistency level; one of ANY, ONE, TWO, THREE, QUORUM, ALL, LOCAL_QUORUM"));
    assertEquals(
        "--cassandraHosts is empty: give one or more contact points, e.g. --cassandraHosts=10.0.0.1,10.0.0.2",
        assertThrows(
                IllegalArgumentException.class,
                () -> CassandraEndpoint.of(options(List.of("--cassandraHosts= , "))))
            .getMessage());
    assertEquals(
        "--cassandraReplication=dc1: expected DATACENTER:REPLICAS,... such as dc1:3,dc2:3, got 'dc1'",
        assertThrows(IllegalArgumentException.class, () -> CassandraSchema.createKeyspace("dc1"))
            .getMessage());
    Path notAStore = Files.writeString(dir.resolve("store.p12"), "not a keystore");
    assertThat(
        assertThrows(
                IllegalArgumentException.class,
                () -> CassandraEndpoint.of(options(List.of("--cassandraTruststore=" + notAStore))))
            .getMessage(),
        startsWith("--cassandraTruststore=" + notAStore + " cannot be read as a truststore: "));
    assertEquals(
        "--cassandraTruststorePasswordFile needs --cassandraTruststore=FILE",
        assertThrows(
                IllegalArgumentException.class,
                () -> CassandraEndpoint.of(options(List.of("--cassandraTruststorePasswordFile=x"))))
            .getMessage());
  }

  private static CassandraOptions options(List<String> args) {
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(CassandraOptions.class);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private record Result(int exit, String err) {}

  private static Result streamstate(String... args) {
    return streamstate(List.of(args));
  }

  private static Result streamstate(List<String> args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        StreamState.run(
            args.toArray(String[]::new),
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(exit, err.toString(StandardCharsets.UTF_8));
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, keytool.waitFor(), output);
  }
}
