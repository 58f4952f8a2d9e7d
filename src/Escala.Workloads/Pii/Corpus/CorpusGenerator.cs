using System.Globalization;
using Bogus;

namespace Escala.Workloads.Pii.Corpus;

/// <summary>
/// Generates a labelled corpus of Brazilian documents — registration forms, chats, legal text, tables, vehicle,
/// health and bank records, support tickets, HR letters — with Bogus pt_BR names, companies and addresses around
/// generated identifiers. Four levels: <c>clean</c> (masked values, clear labels), <c>unmasked</c> (bare digits),
/// <c>noisy</c> (OCR damage: 0→O/o, 1→l/I, spaces and line breaks inside numbers) and <c>adversarial</c>
/// (order and protocol numbers that look like ids, invalid check digits under real labels, dates of other events next
/// to "nascido", birth dates known only from a table header). The same seed gives the same corpus.
/// </summary>
public sealed class CorpusGenerator
{
    /// <summary>The difficulty levels, in order.</summary>
    public static readonly IReadOnlyList<string> Levels = ["clean", "unmasked", "noisy", "adversarial"];

    private static readonly CultureInfo PtBr = CultureInfo.InvariantCulture;
    private static readonly string[] MonthNames =
        ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"];

    private readonly Random _random;
    private readonly Faker _faker;
    private readonly CorpusValues _values;
    private string _level = "clean";
    private bool _inTable;

    /// <summary>Creates a generator; the same <paramref name="seed"/> gives the same documents.</summary>
    public CorpusGenerator(int seed)
    {
        _random = new Random(seed);
        _faker = new Faker("pt_BR") { Random = new Randomizer(seed) };
        _values = new CorpusValues(_random);
    }

    /// <summary><paramref name="count"/> documents, the levels in turn.</summary>
    public IEnumerable<LabelledDocument> Generate(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Document($"doc-{i:D5}", Levels[i % Levels.Count]);
        }
    }

    /// <summary>One document of the given level.</summary>
    public LabelledDocument Document(string id, string level)
    {
        _level = level;
        var b = new DocumentBuilder();
        Action<DocumentBuilder>[] templates = [Form, Chat, Legal, Table, Vehicle, Social, Bank, Ticket, HrLetter];
        var first = _random.Next(templates.Length);
        if (Chance(40))
        {
            Prose(b);
        }

        templates[first](b);
        if (_random.Next(3) == 0)
        {
            b.Add("\n\n");
            templates[(first + 1 + _random.Next(templates.Length - 1)) % templates.Length](b);
        }

        if (level == "adversarial")
        {
            b.Add("\n");
            Distractors(b, 2 + _random.Next(3));
        }

        return b.Build(id, level);
    }

    private bool Unmasked => _level == "unmasked" || (_level is "noisy" or "adversarial" && _random.Next(3) == 0);

    private bool Chance(int percent) => _random.Next(100) < percent;

    private T Pick<T>(params T[] items) => items[_random.Next(items.Length)];

    /// <summary>A random (version 4) UUID, the form of a PIX random key, drawn from the seeded generator.</summary>
    private string Uuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var text = new Guid(bytes).ToString();
        return Chance(15) ? text.ToUpperInvariant() : text;
    }

    private string Name() => _faker.Name.FullName();

    private string Written(string masked, string digits)
    {
        var value = Unmasked ? digits : masked;
        return _level == "noisy" || (_level == "adversarial" && Chance(20)) ? Ocr(value) : value;
    }

    /// <summary>OCR damage: a 0 read as O/o, a 1 as l/I (never two in a row), a space after a separator, a line break.</summary>
    private string Ocr(string value)
    {
        var chars = new System.Text.StringBuilder(value.Length + 4);
        var previousChanged = false;
        var brokeLine = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (!previousChanged && c == '0' && Chance(25))
            {
                chars.Append(Pick('O', 'o'));
                previousChanged = true;
                continue;
            }

            if (!previousChanged && c == '1' && Chance(25))
            {
                chars.Append(Pick('l', 'I'));
                previousChanged = true;
                continue;
            }

            previousChanged = false;
            chars.Append(c);
            if (c is '.' or '-' && i < value.Length - 1)
            {
                if (!brokeLine && !_inTable && Chance(12))
                {
                    chars.Append('\n');
                    brokeLine = true;
                }
                else if (Chance(12))
                {
                    chars.Append(' ');
                }
            }
        }

        return chars.ToString();
    }

    private string Cpf()
    {
        var d = _values.Cpf();
        return Written(CorpusValues.Mask(d, "###.###.###-##"), d);
    }

    private string Cnpj()
    {
        if (Chance(25))
        {
            var a = _values.CnpjAlphanumeric();
            return Unmasked ? a : CorpusValues.Mask(a, "##.###.###/####-##");
        }

        var d = _values.Cnpj();
        return Written(CorpusValues.Mask(d, "##.###.###/####-##"), d);
    }

    private string Cns()
    {
        var d = _values.Cns();
        return Written(CorpusValues.Mask(d, "### #### #### ####"), d);
    }

    private string Pis()
    {
        var d = _values.Pis();
        return Written(CorpusValues.Mask(d, "###.#####.##-#"), d);
    }

    private string Titulo()
    {
        var d = _values.Titulo();
        return Written(CorpusValues.Mask(d, "#### #### ####"), d);
    }

    private string Renavam() => Written(_values.Renavam(), _values.Renavam());

    private string Cnh() => Written(_values.Cnh(), _values.Cnh());

    private string Rg()
    {
        if (Chance(70))
        {
            var d = _values.RgSp();
            return Written(CorpusValues.Mask(d, "##.###.###-#"), d);
        }

        var other = _values.Digits(Pick(7, 8));
        return other.Length == 7
            ? Written(CorpusValues.Mask(other, "#.###.###"), other) // other states: format + context only
            : Written(CorpusValues.Mask(other, "##.###.###"), other);
    }

    private string Cep()
    {
        var d = _values.Digits(8);
        return Written(Chance(85) ? CorpusValues.Mask(d, "#####-###") : CorpusValues.Mask(d, "##.###-###"), d);
    }

    private string Phone()
    {
        var area = _values.AreaCode();
        var mobile = Chance(70);
        var number = mobile ? _values.Mobile() : _values.Landline();
        var split = mobile ? 5 : 4;
        var masked = Pick(
            $"({area}) {number[..split]}-{number[split..]}",
            $"({area}) {number[..split]}-{number[split..]}",
            $"+55 ({area}) {number[..split]}-{number[split..]}",
            $"+55 {area} {number[..split]}-{number[split..]}",
            $"{area} {number[..split]}-{number[split..]}",
            $"({area}){number[..split]}-{number[split..]}",
            mobile ? $"({area}) 9 {number[1..5]}-{number[5..]}" : $"({area}) {number[..4]} {number[4..]}",
            $"{area}-{number[..split]}-{number[split..]}");
        var bare = Pick($"{area}{number}", $"55{area}{number}", $"{area}{number}");
        var value = Unmasked ? bare : masked;
        return _level == "noisy" ? Ocr(value) : value;
    }

    private string Email()
    {
        var first = _faker.Name.FirstName();
        var last = _faker.Name.LastName();
        var email = _faker.Internet.Email(first, last);
        return Chance(30) ? email.ToLowerInvariant() : email;
    }

    private string Card()
    {
        var d = _values.Card();
        var masked = d.Length == 16 ? CorpusValues.Mask(d, Pick("#### #### #### ####", "####-####-####-####"))
            : d.Length == 15 ? CorpusValues.Mask(d, "#### ###### #####") : CorpusValues.Mask(d, "#### ###### ####");
        return Written(masked, d);
    }

    private string Date(DateTime date, bool allowWritten = true)
    {
        if (allowWritten && Chance(20))
        {
            return $"{date.Day} de {MonthNames[date.Month - 1]} de {date.Year}";
        }

        return date.ToString(Pick("dd/MM/yyyy", "dd/MM/yyyy", "dd-MM-yyyy", "dd.MM.yyyy", "d/M/yyyy"), PtBr);
    }

    private DateTime BirthDay() => new DateTime(1940, 1, 1).AddDays(_random.Next(365 * 65));

    private DateTime RecentDay() => new DateTime(2005, 1, 1).AddDays(_random.Next(365 * 20));

    private string Agency() => Chance(50) ? _values.Digits(4) : $"{_values.Digits(4)}-{_random.Next(10)}";

    private string Account() => Unmasked ? _values.Digits(5 + _random.Next(4)) : $"{_values.Digits(4 + _random.Next(4))}-{Pick("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "X")}";

    private string Address() => $"{_faker.Address.StreetName()}, nº {_random.Next(1, 3000)}, {_faker.Address.City()}/{_faker.Address.StateAbbr()}";

    private void Form(DocumentBuilder b)
    {
        b.Add(Pick("FICHA CADASTRAL\n", "Cadastro de cliente\n", "DADOS PESSOAIS\n", "Formulário de matrícula\n"));
        b.Add("Nome: ").Add(Name()).Add("\n");
        b.Add(Pick("CPF: ", "CPF nº ", "C.P.F.: ", "Cpf: ", "CPF/CNPJ: ", "Documento (CPF): ", "Inscrição no CPF: ")).Entity(PiiTypes.Cpf, Cpf()).Add("\n");
        if (Chance(70))
        {
            b.Add(Pick("RG: ", "RG nº ", "Identidade: ", "Cédula de identidade: ")).Entity(PiiTypes.Rg, Rg()).Add(Pick(" SSP/SP\n", "\n", " - SSP\n"));
        }

        b.Add(Pick("Data de nascimento: ", "Nascimento: ", "DN: ", "Data de Nasc.: ", "Nasc.: ", "Data de nascimento\n", "Nascido(a) em "))
            .Entity(PiiTypes.BirthDate, Chance(10) ? BirthDay().ToString("yyyy-MM-dd", PtBr) : Date(BirthDay())).Add("\n");
        if (Chance(30))
        {
            b.Add($"Idade: {_random.Next(18, 90)} anos\n");
        }
        b.Add("Endereço: ").Add(Address()).Add(Pick(", CEP ", " - CEP: ", "\nCEP: ")).Entity(PiiTypes.Cep, Cep()).Add("\n");
        b.Add(Pick("Telefone: ", "Tel.: ", "Celular: ", "Fone: ", "WhatsApp: ")).Entity(PiiTypes.Phone, Phone()).Add("\n");
        b.Add(Pick("E-mail: ", "Email: ", "e-mail: ")).Entity(PiiTypes.Email, Email()).Add("\n");
        if (Chance(40))
        {
            b.Add("Data do cadastro: ").Add(Date(RecentDay(), allowWritten: false)).Add("\n");
        }
    }

    private void Chat(DocumentBuilder b)
    {
        var agent = _faker.Name.FirstName();
        var client = _faker.Name.FirstName();
        var time = $"{_random.Next(8, 20):00}:{_random.Next(60):00}";
        b.Add($"[{time}] {agent}: Olá, {client}! Para seguir preciso do seu CPF, por favor.\n");
        b.Add($"[{time}] {client}: ").Add(Pick("claro, é ", "meu cpf é ", "cpf ", "segue: ")).Entity(PiiTypes.Cpf, Cpf()).Add("\n");
        b.Add($"[{time}] {agent}: Obrigado. Qual o melhor telefone para contato?\n");
        b.Add($"[{time}] {client}: ").Add(Pick("pode ligar no ", "meu cel é ", "whats ", "tel ")).Entity(PiiTypes.Phone, Phone())
            .Add(Pick(" à tarde", "", " ou manda msg", " 👍")).Add("\n");
        if (Chance(60))
        {
            b.Add($"[{time}] {client}: e meu email é ").Entity(PiiTypes.Email, Email()).Add("\n");
        }

        if (Chance(50))
        {
            b.Add($"[{time}] {agent}: Seu protocolo de atendimento é ").Add(_values.Digits(Pick(8, 11, 14, 16))).Add(".\n");
        }

        if (Chance(30))
        {
            b.Add($"[{time}] {client}: ah e o da minha mãe é ").Entity(PiiTypes.Cpf, Cpf()).Add(Pick(", ela nasceu em ", ", nascida em ")).Entity(PiiTypes.BirthDate, Date(BirthDay())).Add("\n");
        }

        if (Chance(40))
        {
            b.Add($"[{time}] {client}: faz o pix pra chave ").Entity(PiiTypes.PixKey, Uuid()).Add(" por favor\n");
        }
    }

    private void Legal(DocumentBuilder b)
    {
        var name = Name().ToUpperInvariant();
        b.Add(Pick("PROCURAÇÃO\n\nOUTORGANTE: ", "CONTRATO DE PRESTAÇÃO DE SERVIÇOS\n\nCONTRATANTE: ", "Pelo presente instrumento, "));
        b.Add(name).Add(Pick(", brasileiro, casado, ", ", brasileira, solteira, ", ", brasileiro(a), empresário(a), "));
        b.Add(Pick("portador da cédula de identidade RG nº ", "portadora do RG nº ", "RG ")).Entity(PiiTypes.Rg, Rg()).Add(Pick(" SSP/SP, ", " - SSP, ", ", "));
        b.Add(Pick("inscrito no CPF sob o nº ", "inscrita no CPF/MF sob o nº ", "CPF nº ")).Entity(PiiTypes.Cpf, Cpf());
        if (Chance(50))
        {
            b.Add(", nascido em ").Entity(PiiTypes.BirthDate, Date(BirthDay()));
        }

        b.Add(", residente e domiciliado na ").Add(Address()).Add(", CEP ").Entity(PiiTypes.Cep, Cep()).Add(". ");
        b.Add(Pick("CONTRATADA: ", "e a empresa ")).Add(_faker.Company.CompanyName().ToUpperInvariant())
            .Add(Pick(", inscrita no CNPJ sob o nº ", ", CNPJ ", ", pessoa jurídica de direito privado, CNPJ nº ")).Entity(PiiTypes.Cnpj, Cnpj()).Add(". ");
        b.Add($"Processo nº {_values.Digits(7)}-{_values.Digits(2)}.{_random.Next(2015, 2025)}.8.26.{_values.Digits(4)}. ");
        b.Add($"Valor: R$ {_random.Next(1, 99)}.{_values.Digits(3)},{_values.Digits(2)}. ");
        b.Add($"{_faker.Address.City()}, {Date(RecentDay())}.\n");
    }

    private void Table(DocumentBuilder b)
    {
        var markdown = Chance(50);
        var sep = markdown ? " | " : Pick(";", ",");
        string[] header = ["Nome", "CPF", Pick("Data de Nascimento", "Nascimento", "Dt. Nasc.", "DN", "D.N.", "Data nasc"), Pick("Admissão", "Data de admissão", "Última compra"), "Telefone"];
        b.Add(markdown ? "| " + string.Join(sep, header) + " |\n|---|---|---|---|---|\n" : string.Join(sep, header) + "\n");
        var rows = 2 + _random.Next(4);
        _inTable = true;
        for (var r = 0; r < rows; r++)
        {
            b.Add(markdown ? "| " : "").Add(_faker.Name.FullName()).Add(sep);
            b.Entity(PiiTypes.Cpf, Cpf()).Add(sep);
            b.Entity(PiiTypes.BirthDate, BirthDay().ToString("dd/MM/yyyy", PtBr)).Add(sep);
            b.Add(RecentDay().ToString("dd/MM/yyyy", PtBr)).Add(sep);
            b.Entity(PiiTypes.Phone, Phone()).Add(markdown ? " |\n" : "\n");
        }

        _inTable = false;
    }

    private void Vehicle(DocumentBuilder b)
    {
        b.Add(Pick("CERTIFICADO DE REGISTRO DE VEÍCULO\n", "Auto de infração de trânsito\n", "Dados do veículo\n"));
        b.Add("Proprietário: ").Add(Name()).Add("\n");
        b.Add("Placa: ").Entity(PiiTypes.VehiclePlate, _values.Plate(Chance(50))).Add("\n");
        b.Add(Pick("RENAVAM: ", "Código RENAVAM: ", "Renavam nº ")).Entity(PiiTypes.Renavam, Renavam()).Add("\n");
        b.Add(Pick("CNH: ", "CNH nº ", "Nº registro da CNH: ", "Habilitação: ", "Nº Registro: ", "Carteira de motorista ")).Entity(PiiTypes.Cnh, Cnh()).Add("\n");
        b.Add($"Chassi: 9BW{_values.Digits(2)}ZZZ{_values.Digits(2)}T{_values.Digits(6)}\n");
        b.Add($"Auto de infração nº {_values.Digits(10)} lavrado em {Date(RecentDay(), allowWritten: false)}.\n");
    }

    private void Social(DocumentBuilder b)
    {
        b.Add(Pick("Ficha de atendimento — UBS ", "Cadastro Único — ", "Requerimento de benefício — ")).Add(_faker.Address.City()).Add("\n");
        b.Add("Paciente: ").Add(Name()).Add("\n");
        b.Add(Pick("Cartão SUS: ", "CNS: ", "Cartão Nacional de Saúde: ")).Entity(PiiTypes.Cns, Cns()).Add("\n");
        b.Add(Pick("PIS/PASEP: ", "NIS: ", "PIS: ", "NIT: ")).Entity(PiiTypes.Pis, Pis()).Add("\n");
        b.Add(Pick("Título de eleitor: ", "Título eleitoral nº ", "Inscrição eleitoral: ")).Entity(PiiTypes.TituloEleitor, Titulo()).Add("\n");
        b.Add(Pick("Nascido em ", "Data de nascimento ")).Entity(PiiTypes.BirthDate, Date(BirthDay())).Add("\n");
        b.Add($"Atendimento em {Date(RecentDay(), allowWritten: false)}, prontuário {_values.Digits(6)}.\n");
    }

    private void Bank(DocumentBuilder b)
    {
        b.Add(Pick("Dados bancários para reembolso\n", "Comprovante de pagamento\n", "Autorização de débito\n"));
        b.Add("Favorecido: ").Add(Name()).Add(", CPF ").Entity(PiiTypes.Cpf, Cpf()).Add("\n");
        b.Add(Pick("Banco do Brasil", "Itaú", "Caixa", "Bradesco", "Nubank")).Add(Pick(" - Agência ", ", agência ", " Ag. ")).Entity(PiiTypes.BankAgency, Agency());
        b.Add(Pick(", conta corrente ", " - Conta: ", " C/C ", ", conta poupança ")).Entity(PiiTypes.BankAccount, Account()).Add("\n");
        if (Chance(60))
        {
            b.Add(Pick("Chave PIX: ", "Pix (chave aleatória): ")).Entity(PiiTypes.PixKey, Uuid()).Add("\n");
        }

        if (Chance(60))
        {
            b.Add(Pick("Cartão de crédito: ", "Cartão ", "Pago com o cartão ")).Entity(PiiTypes.CreditCard, Card()).Add(Pick(" validade 08/29\n", "\n"));
        }

        b.Add($"Valor: R$ {_random.Next(10, 999)},{_values.Digits(2)} — autenticação {_values.Digits(4)}.{_values.Digits(4)}.{_values.Digits(4)}\n");
    }

    private void Ticket(DocumentBuilder b)
    {
        b.Add($"Chamado #{_values.Digits(6)} aberto por ").Entity(PiiTypes.Email, Email()).Add("\n");
        b.Add(Pick("Acesso a partir do IP ", "IP de origem: ", "login do endereço IP ")).Entity(PiiTypes.IpAddress, _faker.Internet.Ip()).Add("\n");
        if (Chance(40))
        {
            b.Add("IPv6: ").Entity(PiiTypes.IpAddress, _faker.Internet.Ipv6()).Add("\n");
        }

        b.Add($"Versão do app 4.{_random.Next(20)}.{_random.Next(50)}, build {_values.Digits(5)}.\n");
        b.Add(Pick("Cliente informa o telefone ", "Retornar para ")).Entity(PiiTypes.Phone, Phone()).Add(".\n");
    }

    private void HrLetter(DocumentBuilder b)
    {
        var name = Name();
        b.Add("DECLARAÇÃO\n\nDeclaramos que ").Add(name);
        if (Chance(50))
        {
            b.Add($", nascido em {_faker.Address.City()} e admitido em {Date(RecentDay(), allowWritten: false)}, ");
        }
        else
        {
            b.Add(", nascido em ").Entity(PiiTypes.BirthDate, Date(BirthDay())).Add($", admitido em {Date(RecentDay(), allowWritten: false)}, ");
        }

        b.Add(Pick("portador do CPF ", "CPF ")).Entity(PiiTypes.Cpf, Cpf()).Add(" e do PIS ").Entity(PiiTypes.Pis, Pis());
        b.Add($", exerce o cargo de {_faker.Name.JobTitle()} nesta empresa, matrícula {_values.Digits(6)}, com salário de R$ {_random.Next(2, 20)}.{_values.Digits(3)},00.\n");
    }

    /// <summary>Ordinary sentences with numbers that are no personal data: laws, money, times, percentages, articles.</summary>
    private void Prose(DocumentBuilder b)
    {
        var sentences = 2 + _random.Next(4);
        for (var i = 0; i < sentences; i++)
        {
            b.Add(_random.Next(8) switch
            {
                0 => $"Nos termos da Lei nº 13.709/2018 (LGPD), art. {_random.Next(1, 60)}, inciso {Pick("I", "II", "IV", "IX")}, o tratamento depende de base legal. ",
                1 => $"O valor de R$ {_random.Next(1, 99)}.{_values.Digits(3)},{_values.Digits(2)} será pago em {_random.Next(2, 12)} parcelas a partir de {Date(RecentDay(), allowWritten: false)}. ",
                2 => $"A reunião ocorreu às {_random.Next(8, 18)}h{_random.Next(0, 60):00} com {_random.Next(3, 40)} participantes, {_random.Next(1, 99)}% a favor. ",
                3 => $"{_faker.Company.CompanyName()} registrou crescimento de {_random.Next(1, 30)},{_random.Next(10)}% em {_random.Next(2015, 2025)}. ",
                4 => $"Conforme a Súmula {_random.Next(1, 700)} do STJ e o Tema {_random.Next(100, 1200)}, o recurso foi provido por {_random.Next(3, 6)} votos a {_random.Next(0, 3)}. ",
                5 => $"O imóvel tem {_random.Next(40, 400)} m², {_random.Next(1, 5)} quartos e fica a {_random.Next(1, 20)} km do centro de {_faker.Address.City()}. ",
                6 => $"Foram entregues {_random.Next(100, 99999)} unidades do produto SKU-{_values.Digits(6)} no lote {_values.Digits(7)}. ",
                _ => $"{_faker.Lorem.Sentence()} ",
            });
        }

        b.Add("\n\n");
    }

    /// <summary>Things that look like personal data and are not: the hard negatives of the adversarial level.</summary>
    private void Distractors(DocumentBuilder b, int count)
    {
        for (var i = 0; i < count; i++)
        {
            switch (_random.Next(9))
            {
                case 0:
                    b.Add(Pick("Pedido nº ", "Número do pedido: ", "Protocolo: ", "Nota fiscal nº ")).Add(_values.Digits(Pick(11, 14, 15, 12))).Add(". ");
                    break;
                case 1:
                    b.Add(Pick("CPF informado: ", "CPF: ")).Add(CorpusValues.Mask(CorpusValues.Broken(_values.Cpf(), s => Pii.CheckDigits.IsCpf(s), _random), "###.###.###-##"))
                        .Add(" (inválido, rejeitado pelo sistema). ");
                    break;
                case 2:
                    b.Add($"{_faker.Name.FirstName()}, nascido em {_faker.Address.City()} e admitido em {Date(RecentDay(), allowWritten: false)}, assumiu o setor. ");
                    break;
                case 3:
                    b.Add($"Protocolo {_values.Digits(3)}.{_values.Digits(3)}.{_values.Digits(3)}-{_values.Digits(2)} registrado em {Date(RecentDay(), allowWritten: false)}. ");
                    break;
                case 4:
                    b.Add($"Processo nº {_values.Digits(7)}-{_values.Digits(2)}.{_random.Next(2010, 2025)}.5.02.{_values.Digits(4)}. ");
                    break;
                case 5:
                    b.Add($"Código de rastreio: {_values.Digits(13)}. Lote {_values.Digits(8)}. ");
                    break;
                case 6:
                    b.Add($"CNPJ: {CorpusValues.Mask(CorpusValues.Broken(_values.Cnpj(), s => Pii.CheckDigits.IsCnpj(s), _random), "##.###.###/####-##")} não confere. ");
                    break;
                case 7:
                    b.Add($"Reunião às {_random.Next(8, 18)}:{_random.Next(60):00} do dia {Date(RecentDay(), allowWritten: false)}, sala {_random.Next(100, 999)}. ");
                    break;
                default:
                    b.Add($"Boleto {_values.Digits(5)}.{_values.Digits(5)} {_values.Digits(5)}.{_values.Digits(6)} {_values.Digits(5)}.{_values.Digits(6)} {_random.Next(10)} {_values.Digits(14)}. ");
                    break;
            }
        }
    }
}
