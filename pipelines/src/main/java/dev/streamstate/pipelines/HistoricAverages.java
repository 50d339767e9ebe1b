package dev.streamstate.pipelines;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import dev.streamstate.pipelines.io.cassandra.AccountAggregate;
import dev.streamstate.pipelines.io.cassandra.CassandraEndpoint;
import dev.streamstate.pipelines.io.cassandra.CassandraSchema;
import dev.streamstate.pipelines.io.cassandra.CassandraSessions;
import dev.streamstate.pipelines.options.Seconds;
import dev.streamstate.pipelines.runtime.Sources;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.BigDecimalCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.cassandra.CassandraIO;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Latest;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The historic average transaction per account that the fraud pipeline compares spending with, as a
 * side input, from one of three places:
 *
 * <ul>
 *   <li>{@code --historyFile}: CSV {@code account,average}, read when the job is built (a bad line
 *       stops it at once, naming the line);
 *   <li>Cassandra {@code finances.account_aggregates}, once with CassandraIO when the input is
 *       bounded (a replay file);
 *   <li>Cassandra, for a stream: read when the job is built, then again every {@code
 *       --historyRefreshSeconds} without restarting the job. Each refresh reads the whole table in
 *       one step and hands on one complete map, so a job never sees half a refresh; a refresh that
 *       fails keeps the previous map and says so in the log.
 * </ul>
 */
public final class HistoricAverages {
  private static final Logger LOG = LoggerFactory.getLogger(HistoricAverages.class);
  public static final String SAMPLE = "sample-history.csv";
  private static final String SELECT =
      "SELECT account_number, average_transaction FROM "
          + CassandraSchema.KEYSPACE
          + ".account_aggregates";

  private HistoricAverages() {}

  static PCollectionView<Map<String, BigDecimal>> view(
      Pipeline pipeline, FraudPipeline.Options options) {
    Sources source = Sources.named(options.getSource());
    if (options.getHistoryFile() != null || source == Sources.GENERATOR) {
      return fixed(
          pipeline,
          options.getHistoryFile() != null
              ? readFile(Path.of(options.getHistoryFile()))
              : sample());
    }
    CassandraEndpoint endpoint = CassandraSchema.ready(options);
    if (source.finite() && source.streaming(options)) {
      // A replay read as a stream ends with its file: the table as it is when the job starts,
      // not a refresh whose endless ticks would keep the stream from ending.
      return fixed(pipeline, readTable(endpoint));
    }
    if (source.finite()) {
      return pipeline
          .apply(
              "ReadHistory",
              endpoint.onto(
                  CassandraIO.<AccountAggregate>read()
                      .withKeyspace(CassandraSchema.KEYSPACE)
                      .withTable("account_aggregates")
                      .withEntity(AccountAggregate.class)
                      .withCoder(AccountAggregate.Coder.of())))
          .apply(
              "AsAverages",
              MapElements.into(
                      TypeDescriptors.kvs(
                          TypeDescriptors.strings(), TypeDescriptor.of(BigDecimal.class)))
                  .via(
                      row ->
                          KV.of(
                              row.getAccountNumber(),
                              BigDecimal.valueOf(row.getAverageTransaction()))))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), BigDecimalCoder.of()))
          .apply("AsMap", View.asMap());
    }
    Duration refresh =
        Seconds.positive("historyRefreshSeconds", options.getHistoryRefreshSeconds());
    MapCoder<String, BigDecimal> mapCoder = MapCoder.of(StringUtf8Coder.of(), BigDecimalCoder.of());
    return pipeline
        .apply("EveryRefresh", GenerateSequence.from(0).withRate(1, refresh))
        .apply("ReadHistory", ParDo.of(new ReadTableFn(endpoint)))
        .setCoder(mapCoder)
        .apply(
            "LatestRead",
            Window.<Map<String, BigDecimal>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                .discardingFiredPanes())
        .apply("Stamped", Reify.timestamps())
        .apply(
            "Newest",
            Combine.globally(Latest.<Map<String, BigDecimal>>combineFn()).withoutDefaults())
        .setCoder(mapCoder)
        // Until the first refresh is in, the history as it was when the job was built: the main
        // input is not held back for a side input, so windows may close before the first tick.
        .apply(
            "AsMap",
            View.<Map<String, BigDecimal>>asSingleton().withDefaultValue(readTable(endpoint)));
  }

  /** Averages known when the job is built, as a side input. */
  private static PCollectionView<Map<String, BigDecimal>> fixed(
      Pipeline pipeline, Map<String, BigDecimal> averages) {
    return pipeline
        .apply(
            "History",
            Create.of(averages).withCoder(KvCoder.of(StringUtf8Coder.of(), BigDecimalCoder.of())))
        .apply("AsMap", View.asMap());
  }

  /** The sample history shipped for the generator's accounts (also what local-stack loads). */
  static Map<String, BigDecimal> sample() {
    try (InputStream in = HistoricAverages.class.getResourceAsStream(SAMPLE)) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList(), SAMPLE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads {@code account,average} lines; fails with the file, line and fix on a bad one. */
  static Map<String, BigDecimal> readFile(Path file) {
    try {
      return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--historyFile=" + file + " cannot be read: " + e.getMessage());
    }
  }

  private static Map<String, BigDecimal> parse(List<String> lines, String file) {
    Map<String, BigDecimal> averages = new TreeMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = line.split(",", -1);
      try {
        if (fields.length != 2 || fields[0].isBlank()) {
          throw new NumberFormatException();
        }
        averages.put(fields[0].strip(), new BigDecimal(fields[1].strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--historyFile="
                + file
                + " line "
                + (i + 1)
                + ": expected 'account,average' with a decimal average, got '"
                + line
                + "'");
      }
    }
    return averages;
  }

  /** The whole table, read once now. */
  static Map<String, BigDecimal> readTable(CassandraEndpoint endpoint) {
    try (Cluster cluster = endpoint.cluster();
        Session session = cluster.connect()) {
      return read(session);
    }
  }

  private static Map<String, BigDecimal> read(Session session) {
    Map<String, BigDecimal> averages = new HashMap<>();
    for (Row row : session.execute(SELECT)) {
      averages.put(row.getString(0), BigDecimal.valueOf(row.getDouble(1)));
    }
    return averages;
  }

  /** Reads the whole table into one map per tick; keeps quiet (and the old map) if it cannot. */
  private static final class ReadTableFn extends DoFn<Long, Map<String, BigDecimal>> {
    private final CassandraEndpoint endpoint;

    ReadTableFn(CassandraEndpoint endpoint) {
      this.endpoint = endpoint;
    }

    @ProcessElement
    public void process(OutputReceiver<Map<String, BigDecimal>> out) {
      try {
        out.output(read(CassandraSessions.of(endpoint)));
      } catch (RuntimeException e) {
        LOG.warn(
            "historic averages not refreshed, the previous ones stay in use: {}", e.getMessage());
      }
    }
  }
}
