package dev.streamstate.transforms.fraud;

import dev.streamstate.transforms.common.RecordCoder;
import java.math.BigDecimal;
import org.apache.beam.sdk.coders.DefaultCoder;

/** An account's running totals as they stand, emitted periodically (the seed's state snapshots). */
@DefaultCoder(AccountSnapshot.Coder.class)
public record AccountSnapshot(String accountNumber, BigDecimal totalSpending, long numTx) {

  /** The account's average transaction so far. */
  public BigDecimal averageTx() {
    return totalSpending.divide(BigDecimal.valueOf(numTx), AccountWindow.MONEY);
  }

  /** Its coder (see {@link RecordCoder}). */
  public static final class Coder extends RecordCoder<AccountSnapshot> {
    public Coder() {
      super(AccountSnapshot.class, STRING, DECIMAL, LONG);
    }
  }
}
