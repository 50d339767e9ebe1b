package dev.streamstate.transforms.fraud;

import dev.streamstate.transforms.common.RecordCoder;
import java.math.BigDecimal;
import org.apache.beam.sdk.coders.DefaultCoder;

/** An account whose window or running average is far above its historic average. */
@DefaultCoder(FraudAlert.Coder.class)
public record FraudAlert(AccountWindow window, BigDecimal historicAverage) {

  /** Its coder: the window's own, then the historic average. */
  public static final class Coder extends RecordCoder<FraudAlert> {
    public Coder() {
      super(FraudAlert.class, of(AccountWindow.class), DECIMAL);
    }
  }
}
