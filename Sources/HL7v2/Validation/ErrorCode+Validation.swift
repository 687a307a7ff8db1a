extension ErrorCode {
    /// A field repeats more often than its definition allows. Reported as HL7 condition 102
    /// (data type error): the value does not fit the field's definition.
    public static let repetitionsExceeded = ErrorCode("repetitions-exceeded", condition: 102)
}
