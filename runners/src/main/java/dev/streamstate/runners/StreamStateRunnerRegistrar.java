package dev.streamstate.runners;

import java.util.List;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;

/** Lets {@code --runner=StreamStateSparkRunner} (and its test variant) name our runners. */
public final class StreamStateRunnerRegistrar implements PipelineRunnerRegistrar {
  @Override
  public Iterable<Class<? extends PipelineRunner<?>>> getPipelineRunners() {
    return List.of(StreamStateSparkRunner.class, TestStreamStateSparkRunner.class);
  }
}
