package dev.streamstate.transforms;

import java.io.Serializable;
import java.math.BigDecimal;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/** A transaction as judged on its own: {@code possibleFraud} when its amount is over the limit. */
@DefaultCoder(SerializableCoder.class)
public record EvaluatedTransaction(long id, String accountNumber, BigDecimal amount, boolean possibleFraud)
    implements Serializable {}
