package dev.streamstate.pipelines.commands;

import dev.streamstate.pipelines.io.cassandra.AccountAggregate;
import dev.streamstate.pipelines.io.cassandra.CassandraEndpoint;
import dev.streamstate.pipelines.io.cassandra.CassandraOptions;
import dev.streamstate.pipelines.io.cassandra.CassandraSchema;
import dev.streamstate.pipelines.runtime.Sinks;
import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.JsonLines;
import dev.streamstate.transforms.common.ParseOrDeadLetter;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.cassandra.CassandraIO;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;

/**
 * Loads historic averages, CSV {@code account,average}, into {@code finances.account_aggregates}
 * with CassandraIO (creating the schema first). Rows are upserts by account, so loading a file
 * twice changes nothing; unreadable lines go to stderr as dead letters.
 */
public final class HistoryLoader {
  private HistoryLoader() {}

  /** Options of load-history. */
  public interface Options extends CassandraOptions {
    @Description("CSV file of account,average lines")
    @Validation.Required
    String getInput();

    void setInput(String input);
  }

  public static void run(Options options) {
    CassandraEndpoint endpoint = CassandraSchema.ready(options);
    Pipeline pipeline = Pipeline.create(options);
    WithFailures.Result<PCollection<AccountAggregate>, DeadLetter> rows =
        pipeline
            .apply("ReadCsv", TextIO.read().from(options.getInput()))
            .apply(
                "Parse",
                ParseOrDeadLetter.with(AccountAggregate::parse, AccountAggregate.Coder.of()));
    rows.output().apply("Upsert", write(endpoint));
    rows.failures().apply("AsJson", JsonLines.deadLetters()).apply(Sinks.stderr());
    pipeline.run().waitUntilFinish();
  }

  static CassandraIO.Write<AccountAggregate> write(CassandraEndpoint endpoint) {
    return endpoint.onto(
        CassandraIO.<AccountAggregate>write()
            .withKeyspace(CassandraSchema.KEYSPACE)
            .withEntity(AccountAggregate.class));
  }
}
