extension Duration {
  /// The duration in seconds, as a `Double`: whole seconds plus attoseconds · 10⁻¹⁸.
  ///
  /// ```swift
  /// let clock = ContinuousClock()
  /// let start = clock.now
  /// // …
  /// let seconds = (clock.now - start).inSeconds
  /// ```
  public var inSeconds: Double {
    Double(components.seconds) + Double(components.attoseconds) * 1e-18
  }
}
