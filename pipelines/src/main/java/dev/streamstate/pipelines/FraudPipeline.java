package dev.streamstate.pipelines;

import static dev.streamstate.transforms.common.JsonLines.fields;

import dev.streamstate.pipelines.options.Seconds;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.Outputs;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.pipelines.samples.Generators;
import dev.streamstate.transforms.common.DeadLetter;
import dev.streamstate.transforms.common.JsonLines;
import dev.streamstate.transforms.common.Metered;
import dev.streamstate.transforms.common.ParseOrDeadLetter;
import dev.streamstate.transforms.common.RecordCoder;
import dev.streamstate.transforms.fraud.AccountSnapshot;
import dev.streamstate.transforms.fraud.AccountWindow;
import dev.streamstate.transforms.fraud.DetectFraud;
import dev.streamstate.transforms.fraud.EvaluatedTransaction;
import dev.streamstate.transforms.fraud.FraudAlert;
import dev.streamstate.transforms.fraud.SimpleTransaction;
import dev.streamstate.transforms.windows.EventTimeWindows;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.WithFailures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * Fraud detection (the seeds' production example): CSV transactions, strictly parsed; each one
 * judged on its amount; each account's spending per window folded into running totals and compared
 * with its historic average; alerts, and on request periodic snapshots of the totals. Results are
 * JSON lines with a {@code kind}: {@code transaction}, {@code alert}, {@code snapshot}; a table
 * sink stores the alerts.
 */
public final class FraudPipeline {
  private FraudPipeline() {}

  /** Options of the fraud pipeline. */
  public interface Options extends StreamStateOptions {
    @Description("Length of the event-time windows spending is averaged over, in seconds")
    @Default.Long(10)
    long getWindowSeconds();

    void setWindowSeconds(long windowSeconds);

    @Description(
        "CSV file of account,average historic averages, instead of Cassandra's finances.account_aggregates (the generator uses a built-in sample)")
    String getHistoryFile();

    void setHistoryFile(String historyFile);

    @Description("How often a stream re-reads the historic averages from Cassandra, in seconds")
    @Default.Long(300)
    long getHistoryRefreshSeconds();

    void setHistoryRefreshSeconds(long historyRefreshSeconds);

    @Description(
        "Alert when an account's window or running average is more than this above its historic average")
    @Default.String("2000")
    String getAvgThreshold();

    void setAvgThreshold(String avgThreshold);

    @Description("Flag a transaction as possible fraud when its amount is more than this")
    @Default.String("4000")
    String getTxThreshold();

    void setTxThreshold(String txThreshold);

    @Description(
        "Emit every account's running totals this often (processing time), in seconds; 0 never")
    @Default.Long(0)
    long getSnapshotSeconds();

    void setSnapshotSeconds(long snapshotSeconds);
  }

  public static final PipelineSpec<Options> SPEC =
      new PipelineSpec<>(
          "fraud",
          "fraud detection: transactions judged, per-account window averages against history, alerts",
          "{kind: transaction, id, account, amount, possible_fraud} and {kind: alert, account,"
              + " window_start, window_end, window_spending_avg, total_spending, num_tx, average_tx,"
              + " historic_average}",
          List.of("kind", "id", "account", "window_start"),
          Options.class,
          Map.of("cassandraTable", "alerts", "topic", "transactions", "outputTopic", "alerts"),
          options -> Generators.TRANSACTIONS,
          FraudPipeline::fraud);

  static PCollectionTuple fraud(PCollection<String> payloads, Options options) {
    DetectFraud detect =
        DetectFraud.against(HistoricAverages.view(payloads.getPipeline(), options))
            .withWindows(
                EventTimeWindows.fixed(
                        Seconds.positive("windowSeconds", options.getWindowSeconds()))
                    .withAllowedLateness(
                        Seconds.nonNegative(
                            "allowedLatenessSeconds", options.getAllowedLatenessSeconds())))
            .withTxThreshold(amount("txThreshold", options.getTxThreshold()))
            .withAvgThreshold(amount("avgThreshold", options.getAvgThreshold()))
            .withSnapshotsEvery(
                Seconds.nonNegative("snapshotSeconds", options.getSnapshotSeconds()));

    WithFailures.Result<PCollection<SimpleTransaction>, DeadLetter> transactions =
        payloads.apply(
            "ParseTransactions",
            ParseOrDeadLetter.with(
                    SimpleTransaction::parse, RecordCoder.of(SimpleTransaction.class))
                .withReadableId(SimpleTransaction::readableId));
    transactions.output().apply("CountParsed", Metered.as("transactions_parsed"));
    PCollectionTuple scored = transactions.output().apply("DetectFraud", detect);

    PCollection<String> alerts =
        scored.get(DetectFraud.ALERTS).apply("AlertsAsJson", JsonLines.of(FraudPipeline::alert));
    PCollection<String> all =
        PCollectionList.of(
                scored
                    .get(DetectFraud.EVALUATED)
                    .apply("TransactionsAsJson", JsonLines.of(FraudPipeline::transaction)))
            .and(alerts)
            .and(
                scored
                    .get(DetectFraud.SNAPSHOTS)
                    .apply("SnapshotsAsJson", JsonLines.of(FraudPipeline::snapshot)))
            .apply("AllResults", Flatten.pCollections());
    return Outputs.of(all, transactions.failures()).and(Outputs.ROWS, alerts);
  }

  static Map<String, Object> transaction(EvaluatedTransaction tx) {
    return fields(
        "kind",
        "transaction",
        "id",
        tx.id(),
        "account",
        tx.accountNumber(),
        "amount",
        money(tx.amount()),
        "possible_fraud",
        tx.possibleFraud());
  }

  static Map<String, Object> alert(FraudAlert alert) {
    AccountWindow w = alert.window();
    return fields(
        "kind", "alert",
        "account", w.accountNumber(),
        "window_start", w.windowStart(),
        "window_end", w.windowEnd(),
        "window_spending_avg", money(w.windowSpendingAvg()),
        "total_spending", money(w.totalSpending()),
        "num_tx", w.numTx(),
        "average_tx", money(w.averageTx()),
        "historic_average", money(alert.historicAverage()));
  }

  static Map<String, Object> snapshot(AccountSnapshot s) {
    return fields(
        "kind",
        "snapshot",
        "account",
        s.accountNumber(),
        "total_spending",
        money(s.totalSpending()),
        "num_tx",
        s.numTx(),
        "average_tx",
        money(s.averageTx()));
  }

  /** Money is shown with two decimals, half up; it is compared exactly before that. */
  static BigDecimal money(BigDecimal amount) {
    return amount.setScale(2, RoundingMode.HALF_UP);
  }

  private static BigDecimal amount(String option, String value) {
    try {
      BigDecimal amount = new BigDecimal(value);
      if (amount.signum() < 0) {
        throw new NumberFormatException();
      }
      return amount;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + option + " must be a non-negative decimal amount, got '" + value + "'");
    }
  }
}
