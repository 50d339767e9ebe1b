package dev.streamstate.transforms;

import java.io.Serializable;
import java.math.BigDecimal;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/** An account's running totals as they stand, emitted periodically (the seed's state snapshots). */
@DefaultCoder(SerializableCoder.class)
public record AccountSnapshot(String accountNumber, BigDecimal totalSpending, long numTx) implements Serializable {

  /** The account's average transaction so far. */
  public BigDecimal averageTx() {
    return totalSpending.divide(BigDecimal.valueOf(numTx), AccountWindow.MONEY);
  }
}
