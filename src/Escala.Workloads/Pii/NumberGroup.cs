namespace Escala.Workloads.Pii;

/// <summary>
/// One group of digits in a number as written ("123" in "123.456"), with the separator that follows it.
/// <see cref="Sep"/> is the punctuation of that separator ('.', '-', '/', '(' or ')'; ',' is read as '.'),
/// ' ' when it is only white space, '\0' after the last group.
/// </summary>
internal struct NumberGroup
{
    public int Start;
    public int End;
    public int DigitStart;
    public int DigitCount;
    public char Sep;
    public bool SepHasSpace;
    public int SepEnd;
}
