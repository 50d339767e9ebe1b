package dev.streamstate.transforms;

import java.io.Serializable;
import java.math.BigDecimal;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.SerializableCoder;

/** An account whose window or running average is far above its historic average. */
@DefaultCoder(SerializableCoder.class)
public record FraudAlert(AccountWindow window, BigDecimal historicAverage) implements Serializable {}
