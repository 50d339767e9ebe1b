package dev.streamstate.transforms.fraud;

import dev.streamstate.transforms.common.RecordCoder;
import java.math.BigDecimal;
import org.apache.beam.sdk.coders.DefaultCoder;

/** A transaction as judged on its own: {@code possibleFraud} when its amount is over the limit. */
@DefaultCoder(EvaluatedTransaction.Coder.class)
public record EvaluatedTransaction(
    long id, String accountNumber, BigDecimal amount, boolean possibleFraud) {

  /** Its coder (see {@link RecordCoder}). */
  public static final class Coder extends RecordCoder<EvaluatedTransaction> {
    public Coder() {
      super(EvaluatedTransaction.class, LONG, STRING, DECIMAL, BOOLEAN);
    }
  }
}
