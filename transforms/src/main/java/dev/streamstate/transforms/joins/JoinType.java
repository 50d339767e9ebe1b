package dev.streamstate.transforms.joins;

/**
 * Which records a join of two keyed streams emits besides its matched pairs: inner none, left the
 * left records no right record matched (with no right side), right the converse, full both.
 */
public enum JoinType {
  INNER(false, false),
  LEFT(true, false),
  RIGHT(false, true),
  FULL(true, true);

  private final boolean unmatchedLeft;
  private final boolean unmatchedRight;

  JoinType(boolean unmatchedLeft, boolean unmatchedRight) {
    this.unmatchedLeft = unmatchedLeft;
    this.unmatchedRight = unmatchedRight;
  }

  /** Whether a left record that matched nothing is emitted alone. */
  public boolean keepsUnmatchedLeft() {
    return unmatchedLeft;
  }

  /** Whether a right record that matched nothing is emitted alone. */
  public boolean keepsUnmatchedRight() {
    return unmatchedRight;
  }
}
