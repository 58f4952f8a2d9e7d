using Escala.Workloads.Pii;

namespace Escala.Workloads.Tests.Pii;

public sealed class PiiRedactorTests
{
    private static readonly byte[] Key = "test-key"u8.ToArray();

    private static string Redact(string text, RedactionPolicy policy) =>
        PiiRedactor.Redact(text, PiiDetector.Default.Scan(text), policy);

    [Fact]
    public void Operators_PerType_AppliedToEachEntity()
    {
        var policy = new RedactionPolicy(Key)
            .Set(PiiTypes.Cpf, new RedactionRule(RedactionOperator.Mask, 2))
            .Set(PiiTypes.Email, new RedactionRule(RedactionOperator.Remove))
            .Set(PiiTypes.Cep, new RedactionRule(RedactionOperator.Keep));
        var text = "CPF 529.982.247-25, e-mail ana@exemplo.com, CEP 01310-100, tel. (11) 98765-4321";
        Assert.Equal("CPF ***.***.***-25, e-mail , CEP 01310-100, tel. [PHONE]", Redact(text, policy));
    }

    [Fact]
    public void Hash_SameValueAnyMask_SameToken_OtherValueOtherToken()
    {
        var policy = new RedactionPolicy(Key, new RedactionRule(RedactionOperator.Hash));
        var masked = Redact("CPF 529.982.247-25", policy);
        var bare = Redact("CPF 52998224725", policy);
        var other = Redact("CPF 801.624.565-06", policy);
        Assert.Matches(@"^CPF \[CPF:[0-9a-f]{12}\]$", masked);
        Assert.Equal(masked, bare);
        Assert.NotEqual(masked, other);
        Assert.NotEqual(masked, Redact("CPF 529.982.247-25", new RedactionPolicy("another-key"u8.ToArray(), new RedactionRule(RedactionOperator.Hash))));
    }

    [Theory]
    [InlineData("tag", RedactionOperator.Tag, 2)]
    [InlineData("mask", RedactionOperator.Mask, 2)]
    [InlineData("MASK:4", RedactionOperator.Mask, 4)]
    [InlineData("hash", RedactionOperator.Hash, 2)]
    [InlineData("remove", RedactionOperator.Remove, 2)]
    [InlineData("keep", RedactionOperator.Keep, 2)]
    public void TryParse_KnownOperators_Parsed(string text, RedactionOperator op, int keep)
    {
        Assert.True(RedactionRule.TryParse(text, out var rule));
        Assert.Equal(new RedactionRule(op, keep), rule);
    }

    [Theory]
    [InlineData("")]
    [InlineData("blur")]
    [InlineData("mask:x")]
    [InlineData("mask:-1")]
    [InlineData("tag:2")]
    public void TryParse_Unknown_Refused(string text) => Assert.False(RedactionRule.TryParse(text, out _));
}
