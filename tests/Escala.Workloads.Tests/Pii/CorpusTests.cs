using System.Text;
using Escala.Workloads.Pii;
using Escala.Workloads.Pii.Corpus;

namespace Escala.Workloads.Tests.Pii;

public sealed class CorpusTests
{
    [Fact]
    public void Generate_SameSeed_SameDocuments_AllFourLevels()
    {
        var a = new CorpusGenerator(5).Generate(40).ToList();
        var b = new CorpusGenerator(5).Generate(40).ToList();
        Assert.Equal(a.Select(d => d.Text), b.Select(d => d.Text));
        Assert.Equal(CorpusGenerator.Levels.Order(StringComparer.Ordinal), a.Select(d => d.Level).Distinct().Order(StringComparer.Ordinal));
        Assert.All(a, d => Assert.All(d.Entities, e => Assert.True(e.Start < e.End && e.End <= d.Text.Length)));
    }

    [Fact]
    public void Generate_LabelledCheckDigitValues_AllPassTheirRule()
    {
        foreach (var doc in new CorpusGenerator(9).Generate(200))
        {
            foreach (var e in doc.Entities.Where(e => PiiTypes.CheckDigitTypes.Contains(e.Type)))
            {
                Assert.True(PiiEvaluator.CheckDigitsHold(e.Type, doc.Text.AsSpan(e.Start, e.End - e.Start)), $"{e.Type} {doc.Text[e.Start..e.End]}");
            }
        }
    }

    [Fact]
    public void Evaluate_GeneratedCorpus_MeetsTheTargets()
    {
        var report = new PiiEvaluator(PiiDetector.Default).Evaluate(new CorpusGenerator(1234).Generate(400));
        Assert.True(report.Micro.ExactF2 >= 0.97, report.Format());
        Assert.True(report.MinCheckDigitF2 >= 0.99, report.Format());
        Assert.Equal(0, report.InvalidCheckDigits);
    }

    [Fact]
    public void Evaluate_ADetectorThatMissesHalf_ScoresAccordingly()
    {
        var doc = new LabelledDocument("d", "clean", "CPF 529.982.247-25 e CPF 801.624.565-06",
            [new LabelledSpan(PiiTypes.Cpf, 4, 18), new LabelledSpan(PiiTypes.Cpf, 25, 39), new LabelledSpan(PiiTypes.Email, 0, 3)]);
        var report = new PiiEvaluator(PiiDetector.Default).Evaluate([doc]);
        Assert.Equal(2, report.ByType[PiiTypes.Cpf].ExactHits);
        Assert.Equal(0, report.ByType[PiiTypes.Email].ExactHits);
        Assert.Equal(2.0 / 3, report.Micro.ExactRecall, 3);
        Assert.Equal(1.0, report.Micro.ExactPrecision);
    }

    [Fact]
    public async Task CorpusFile_RoundTrip_CodePointOffsetsOnDiskUtf16InMemory()
    {
        var doc = new LabelledDocument("x", "noisy", "😀 CPF 529.982.247-25", [new LabelledSpan(PiiTypes.Cpf, 7, 21)]);
        var writer = new StringWriter();
        await CorpusFile.WriteAsync(writer, [doc]);
        Assert.Contains("\"start\":6,\"end\":20", writer.ToString(), StringComparison.Ordinal);

        var read = new List<LabelledDocument>();
        await foreach (var d in CorpusFile.ReadAsync(new StringReader(writer.ToString())))
        {
            read.Add(d);
        }

        Assert.Equal(doc.Entities, Assert.Single(read).Entities);
    }

    [Fact]
    public async Task CorpusFile_ForeignNamesAndUtf16Flag_Mapped()
    {
        const string line = "{\"text\":\"Tel (11) 98765-4321\",\"offsets\":\"utf16\",\"spans\":[{\"label\":\"TELEFONE\",\"start\":4,\"end\":19}]}";
        var read = new List<LabelledDocument>();
        await foreach (var d in CorpusFile.ReadAsync(new StringReader(line)))
        {
            read.Add(d);
        }

        Assert.Equal(new LabelledSpan(PiiTypes.Phone, 4, 19), Assert.Single(Assert.Single(read).Entities));
    }

    [Fact]
    public async Task CorpusFile_MalformedLine_FormatExceptionNamesTheLine()
    {
        var ex = await Assert.ThrowsAsync<FormatException>(async () =>
        {
            await foreach (var _ in CorpusFile.ReadAsync(new StringReader("{\"text\":\"a\",\"entities\":[]}\n{\"entities\":[]}")))
            {
            }
        });
        Assert.StartsWith("line 2:", ex.Message, StringComparison.Ordinal);
    }
}
