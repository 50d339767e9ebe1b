package dev.streamstate.pipelines.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of the sliding-window pipelines. */
public interface WindowOptions extends StreamStateOptions {

  @Description(
      "Window length in seconds (longer than --slideSeconds: windows overlap; shorter: gaps between them)")
  @Default.Long(60)
  long getWindowSeconds();

  void setWindowSeconds(long windowSeconds);

  @Description("How often a window starts, in seconds")
  @Default.Long(5)
  long getSlideSeconds();

  void setSlideSeconds(long slideSeconds);
}
