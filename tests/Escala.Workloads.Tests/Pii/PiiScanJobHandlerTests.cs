using System.Text.Json;
using Escala.Execution;
using Escala.Workloads.Pii;

namespace Escala.Workloads.Tests.Pii;

public sealed class PiiScanJobHandlerTests
{
    private readonly PiiScanJobHandler _handler = new(new PiiScanService(PiiDetector.Default, new Escala.Configuration.PiiOptions()));

    [Fact]
    public async Task Execute_OneText_EntitiesAndRedactedText()
    {
        var result = await _handler.ExecuteAsync(TestJobs.Context("pii.scan", """{"text": "CPF 529.982.247-25", "operators": {"cpf": "mask:2"}}"""), CancellationToken.None);
        var scan = Assert.IsType<PiiScanResult>(result);
        var cpf = Assert.Single(scan.Entities);
        Assert.Equal((PiiTypes.Cpf, 4L, 18L), (cpf.Type, cpf.Start, cpf.End));
        Assert.Equal("CPF ***.***.***-25", scan.Redacted);
    }

    [Fact]
    public async Task Execute_Batch_OneResultPerText()
    {
        var result = await _handler.ExecuteAsync(TestJobs.Context("pii.scan", """{"texts": ["CEP 01310-100", "nada aqui"], "redact": false}"""), CancellationToken.None);
        var json = JsonSerializer.SerializeToElement(result, PiiJson.Options);
        var results = json.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        Assert.Equal("cep", results[0].GetProperty("entities")[0].GetProperty("type").GetString());
        Assert.Equal(0, results[1].GetProperty("entities").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, results[0].GetProperty("redacted").ValueKind);
    }

    [Theory]
    [InlineData("""{}""", "args.text")]
    [InlineData("""{"text": "a", "threshold": 2}""", "args.threshold")]
    [InlineData("""{"text": "a", "operators": {"cpf": "blur"}}""", "args.operators.cpf")]
    [InlineData("""{"text": "a", "types": ["passport"]}""", "args.types")]
    public async Task Execute_BadArguments_PermanentFailureNamingTheField(string args, string field)
    {
        var ex = await Assert.ThrowsAsync<PermanentJobException>(() => _handler.ExecuteAsync(TestJobs.Context("pii.scan", args), CancellationToken.None));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_Hash_SameConfiguredKeyOnTwoNodes_SameToken_OtherKeyAnother()
    {
        const string Args = """{"text": "CPF 529.982.247-25", "operators": {"cpf": "hash"}}""";
        async Task<string?> RedactedAsync(string? key)
        {
            var handler = new PiiScanJobHandler(new PiiScanService(PiiDetector.Default, new Escala.Configuration.PiiOptions { HashKey = key }));
            return Assert.IsType<PiiScanResult>(await handler.ExecuteAsync(TestJobs.Context("pii.scan", Args), CancellationToken.None)).Redacted;
        }

        var one = await RedactedAsync("a-shared-secret-of-32-characters");
        var other = await RedactedAsync("a-shared-secret-of-32-characters");
        var another = await RedactedAsync("another-secret-of-32-characters!");

        Assert.StartsWith("CPF [CPF:", one);
        Assert.Equal(one, other);
        Assert.NotEqual(one, another);
    }
}
