using System.Net;
using System.Text.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

/// <summary><c>POST /v1/pii/scan</c> and the <c>pii.scan</c> kind through real HTTP.</summary>
public sealed class PiiEndpointsTests : NodeTest
{
    [Fact]
    public async Task Scan_Text_ReturnsEntitiesWithBothOffsetsAndTheRedactedText()
    {
        using var response = await Api.PostJsonAsync("/v1/pii/scan", new
        {
            text = "😀 CPF 529.982.247-25, tel (11) 98765-4321",
            operators = new Dictionary<string, string> { ["cpf"] = "mask:2", ["default"] = "tag" },
        });
        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        var body = await EscalaApi.ReadAsync(response);

        var entities = body.GetProperty("entities").EnumerateArray().ToList();
        Assert.Equal(["cpf", "phone"], entities.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(7, entities[0].GetProperty("start").GetInt32());
        Assert.Equal(6, entities[0].GetProperty("codePointStart").GetInt32());
        Assert.Equal(1.0, entities[0].GetProperty("score").GetDouble());
        Assert.Equal("😀 CPF ***.***.***-25, tel [PHONE]", body.GetProperty("redacted").GetString());
    }

    [Fact]
    public async Task Scan_Texts_OneResultEach()
    {
        using var response = await Api.PostJsonAsync("/v1/pii/scan", new { texts = new[] { "CEP 01310-100", "sem dados" }, threshold = 0.9 });
        var body = await EscalaApi.ReadAsync(response);
        var results = body.GetProperty("results");
        Assert.Equal(2, results.GetArrayLength());
        Assert.Equal("CEP [CEP]", results[0].GetProperty("redacted").GetString());
        Assert.Equal("sem dados", results[1].GetProperty("redacted").GetString());
    }

    [Theory]
    [InlineData("{}", "text")]
    [InlineData("{\"text\": \"a\", \"texts\": [\"b\"]}", "text")]
    [InlineData("{\"text\": \"a\", \"threshold\": 1.5}", "threshold")]
    [InlineData("{\"text\": \"a\", \"operators\": {\"cpf\": \"blur\"}}", "operators.cpf")]
    [InlineData("{\"text\": \"a\", \"operators\": {\"passport\": \"tag\"}}", "operators.passport")]
    [InlineData("{\"text\": \"a\", \"types\": [\"passport\"]}", "types")]
    [InlineData("{\"text\": \"a\", \"colour\": \"red\"}", "colour")]
    [InlineData("{\"text\": 12}", "text")]
    [InlineData("{\"text\": \"a\"", "body")]
    public async Task Scan_BadRequest_400NamingTheField(string body, string field)
    {
        using var response = await Api.PostRawAsync("/v1/pii/scan", body);
        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Scan_TextOverTheLimit_413()
    {
        var text = new string('a', (1 << 20) + 1);
        using var response = await Api.PostRawAsync("/v1/pii/scan", JsonSerializer.Serialize(new { text }));
        await Problem.AssertFieldAsync(response, HttpStatusCode.RequestEntityTooLarge, "text");
    }

    [Fact]
    public async Task Scan_NotJson_415()
    {
        using var response = await Api.PostRawAsync("/v1/pii/scan", "CPF 529.982.247-25", "text/plain");
        await Problem.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task PiiScanKind_Submitted_CompletesWithTheRedactedText()
    {
        var id = await Api.SubmitIdAsync(new { kind = "pii.scan", args = new { text = "e-mail ana@exemplo.com", operators = new { email = "remove" } } });
        var job = await Api.WaitForStateAsync(id, "completed");
        var result = job.GetProperty("result");
        Assert.Equal("e-mail ", result.GetProperty("redacted").GetString());
        Assert.Equal("email", result.GetProperty("entities")[0].GetProperty("type").GetString());
    }
}
