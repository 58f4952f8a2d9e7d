using System.Text;
using Escala.Workloads.Pii;
using Escala.Workloads.Pii.Corpus;

namespace Escala.Workloads.Tests.Pii;

public sealed class PiiStreamScannerTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(101)]
    public async Task ScanAsync_SmallWindows_SameEntitiesAndRedactionAsTheWholeText(int seed)
    {
        var builder = new StringBuilder();
        foreach (var doc in new CorpusGenerator(seed).Generate(200))
        {
            builder.Append(doc.Text).Append("\n\n😀 ");
        }

        var text = builder.ToString();
        var policy = new RedactionPolicy("k"u8.ToArray(), new RedactionRule(RedactionOperator.Hash));
        var expected = PiiDetector.Default.Scan(text);
        var expectedRedacted = PiiRedactor.Redact(text, expected, policy);

        var found = new List<PiiEntity>();
        var redacted = new StringWriter();
        var scanner = new PiiStreamScanner(PiiDetector.Default, windowChars: 1500, overlapChars: 300);
        var (count, chars) = await scanner.ScanAsync(new StringReader(text), redacted, policy, found.Add);

        Assert.True(text.Length > 20 * 1500, "the text must span many windows");
        Assert.Equal(text.Length, chars);
        var missing = expected.Except(found).Select(e => $"{e} «{text[(int)Math.Max(0, e.Start - 40)..(int)e.End]}»");
        var extra = found.Except(expected).Select(e => $"{e} «{text[(int)Math.Max(0, e.Start - 40)..(int)e.End]}»");
        Assert.True(expected.SequenceEqual(found), $"missing: {string.Join("; ", missing)} extra: {string.Join("; ", extra)}");
        Assert.Equal(expected.Count, count);
        Assert.Equal(expectedRedacted, redacted.ToString());
    }
}
