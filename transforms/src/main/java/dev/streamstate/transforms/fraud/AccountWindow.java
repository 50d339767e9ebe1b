package dev.streamstate.transforms.fraud;

import dev.streamstate.transforms.common.RecordCoder;
import java.math.BigDecimal;
import java.math.MathContext;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.joda.time.Instant;

/**
 * One account's spending in one event-time window, with the account's running totals over all its
 * windows so far (the seed's {@code AggregateData}).
 *
 * @param windowSum spent in the window (all of its panes so far)
 * @param windowCount transactions in the window
 * @param totalSpending spent over all the account's windows so far
 * @param numTx transactions over all the account's windows so far
 */
@DefaultCoder(AccountWindow.Coder.class)
public record AccountWindow(
    String accountNumber,
    Instant windowStart,
    Instant windowEnd,
    BigDecimal windowSum,
    long windowCount,
    BigDecimal totalSpending,
    long numTx) {

  /** Exact enough for money: 34 significant digits before anything is rounded for display. */
  static final MathContext MONEY = MathContext.DECIMAL128;

  /** The window's average transaction. */
  public BigDecimal windowSpendingAvg() {
    return windowSum.divide(BigDecimal.valueOf(windowCount), MONEY);
  }

  /** The account's average transaction over all its windows so far. */
  public BigDecimal averageTx() {
    return totalSpending.divide(BigDecimal.valueOf(numTx), MONEY);
  }

  /** Its coder (see {@link RecordCoder}). */
  public static final class Coder extends RecordCoder<AccountWindow> {
    public Coder() {
      super(AccountWindow.class, STRING, INSTANT, INSTANT, DECIMAL, LONG, DECIMAL, LONG);
    }
  }
}
