package sales

// Column presets: the headers other CRMs write in their exports, in the
// languages they write them, mapped onto ImportFields. A file's preset is
// detected from its header (DetectPreset); a file that matches none is
// mapped by hand, column by column.
//
// Where the layouts come from (the sample files in
// internal/importer/testdata/sales are built from the same sources):
//   - Kommo/amoCRM: the contacts list export ("Экспорт" in Контакты, CSV or
//     XLSX) names columns after the card's fields — Наименование / Name,
//     Компания / Company, Должность / Position, Рабочий телефон / Work
//     phone, Мобильный телефон / Mobile phone, Рабочий email / Work email,
//     Личный email / Private email, Теги / Tags, Web, Примечание / Note;
//     amoCRM's help on import ("Скачать пример": the sample file of the
//     import has the export's columns) and its field list (the system
//     fields PHONE and EMAIL with the WORK/MOB/PRIV enums).
//   - Bitrix24: the CRM list export (CSV in Windows-1251 or UTF-8, ";" as
//     delimiter and at the end of every line, one line per product row of a
//     deal) with the columns named by the system fields of the company and
//     contact cards (helpdesk.bitrix24.ru "Системные поля в CRM";
//     dev.1c-bitrix.ru crm.contact.fields / crm.company.fields: TITLE,
//     COMPANY_TYPE, INDUSTRY, EMPLOYEES, PHONE WORK/MOBILE, EMAIL WORK, WEB,
//     COMMENTS, SOURCE_ID, ADDRESS_CITY, the requisite RQ_INN) and the
//     product rows (PRODUCT_NAME, PRICE, QUANTITY); the BI Builder dataset
//     descriptions (helpdesk.bitrix24.com/open/16457718) for the English
//     names.
//   - HubSpot: the contacts export (CSV or XLSX) writes the property labels
//     — Record ID, First Name, Last Name, Email, Phone Number, Mobile Phone
//     Number, Job Title, Company Name, Website URL, City, Country/Region,
//     Industry, Number of Employees, Lifecycle Stage (developers.hubspot.com
//     CRM exports API: a view's properties by label, in the export language).
//   - Pipedrive: exports name columns "<item> - <field>" (Person - Name,
//     Person - Phone - Work, Person - Email - Work, Organization - Name,
//     Organization - Address - Country …), the field names of Pipedrive's
//     import mapping (support.pipedrive.com "Importing: mandatory fields").
// The vendors do not publish a frozen column list; the aliases below take
// the names in English and (for amoCRM and Bitrix24) Russian, and headers
// are compared folded (case, spaces and punctuation do not matter).

import "sync"

// Preset is the column layout of one CRM's export.
type Preset struct {
	Key     string // "amocrm", "bitrix24", "hubspot", "pipedrive", "tandem"
	Headers map[string]ImportField
}

// Label is the catalogue key of the preset's name.
func (p Preset) Label() string { return "sales.import.preset." + p.Key }

func preset(key string, cols map[ImportField][]string) Preset {
	p := Preset{Key: key, Headers: map[string]ImportField{}}
	for f, names := range cols {
		for _, n := range names {
			p.Headers[headerKey(n)] = f
		}
	}
	return p
}

// headerKey is the comparison form of a header: folded, without spaces.
func headerKey(s string) string {
	out := []rune{}
	for _, r := range Fold(s) {
		if r != ' ' {
			out = append(out, r)
		}
	}
	return string(out)
}

// Presets are the known layouts, in the order detection tries them;
// built on first use (folding every header name cost each command of the
// command line its start).
var Presets = sync.OnceValue(func() []Preset {
	return []Preset{
		preset("amocrm", map[ImportField][]string{
			FieldContactName:  {"Наименование", "Полное имя", "Полное имя контакта", "Full name", "Contact name"},
			FieldFirstName:    {"Имя", "First name"},
			FieldLastName:     {"Фамилия", "Last name"},
			FieldAccountName:  {"Компания", "Название компании", "Company", "Company name"},
			FieldPosition:     {"Должность", "Position"},
			FieldContactPhone: {"Рабочий телефон", "Мобильный телефон", "Рабочий прямой телефон", "Домашний телефон", "Другой телефон", "Work phone", "Mobile phone", "Work direct phone", "Home phone", "Other phone"},
			FieldContactEmail: {"Рабочий email", "Личный email", "Другой email", "Work email", "Private email", "Personal email", "Other email"},
			FieldTags:         {"Теги", "Tags"},
			FieldWebsite:      {"Web", "Сайт"},
			FieldContactNotes: {"Примечание", "Примечание 1", "Note", "Note 1"},
			FieldCity:         {"Город", "City"},
			FieldRegNumber:    {"ИНН", "INN", "TIN"},
		}),
		preset("bitrix24", map[ImportField][]string{
			FieldAccountName:   {"Название компании", "Компания", "Company name", "Company"},
			FieldRegNumber:     {"ИНН", "Реквизит ИНН", "INN", "TIN"},
			FieldStatus:        {"Тип компании", "Company type"},
			FieldIndustry:      {"Сфера деятельности", "Industry"},
			FieldSize:          {"Кол-во сотрудников", "Количество сотрудников", "Employees"},
			FieldCity:          {"Город", "City"},
			FieldCountry:       {"Страна", "Country"},
			FieldWebsite:       {"Корпоративный сайт", "Сайт", "Website", "Corporate website"},
			FieldSource:        {"Источник", "Source"},
			FieldAccountNotes:  {"Комментарий", "Comment"},
			FieldContactName:   {"Контакт", "Contact"},
			FieldPosition:      {"Должность", "Position"},
			FieldContactPhone:  {"Рабочий телефон", "Мобильный телефон", "Телефон для рассылок", "Work phone", "Mobile phone"},
			FieldContactEmail:  {"Рабочий e-mail", "Частный e-mail", "E-mail для рассылок", "Work e-mail", "Private e-mail"},
			FieldDecisionMaker: {"ЛПР", "Decision maker"},
		}),
		preset("hubspot", map[ImportField][]string{
			FieldFirstName:     {"First Name"},
			FieldLastName:      {"Last Name"},
			FieldContactEmail:  {"Email"},
			FieldContactPhone:  {"Phone Number", "Mobile Phone Number"},
			FieldPosition:      {"Job Title"},
			FieldAccountName:   {"Company Name"},
			FieldWebsite:       {"Website URL"},
			FieldCity:          {"City"},
			FieldCountry:       {"Country/Region"},
			FieldIndustry:      {"Industry"},
			FieldSize:          {"Number of Employees"},
			FieldStatus:        {"Lifecycle Stage"},
			FieldSource:        {"Original Source"},
			FieldDecisionMaker: {"Decision Maker"},
		}),
		preset("pipedrive", map[ImportField][]string{
			FieldContactName:  {"Person - Name"},
			FieldFirstName:    {"Person - First name"},
			FieldLastName:     {"Person - Last name"},
			FieldContactPhone: {"Person - Phone - Work", "Person - Phone - Mobile", "Person - Phone - Home", "Person - Phone - Other", "Person - Phone"},
			FieldContactEmail: {"Person - Email - Work", "Person - Email - Home", "Person - Email - Other", "Person - Email"},
			FieldPosition:     {"Person - Job title"},
			FieldContactNotes: {"Person - Notes"},
			FieldAccountName:  {"Organization - Name"},
			FieldCity:         {"Organization - Address - City/town/village/locality"},
			FieldCountry:      {"Organization - Address - Country"},
			FieldWebsite:      {"Organization - Website"},
			FieldIndustry:     {"Organization - Industry"},
			FieldSize:         {"Organization - Number of employees"},
			FieldTags:         {"Organization - Labels"},
		}),
		// Tandem's own export (sales.ExportColumns) and plain headers in
		// English, Russian and Swedish.
		preset("tandem", map[ImportField][]string{
			FieldAccountName:   {"Account", "Company", "Name", "Аккаунт", "Компания", "Название", "Konto", "Företag", "Namn"},
			FieldRegNumber:     {"Registration number", "Reg number", "Org nr", "Organisationsnummer", "ИНН", "Регистрационный номер"},
			FieldCountry:       {"Country", "Страна", "Land"},
			FieldCity:          {"City", "Город", "Ort", "Stad"},
			FieldWebsite:       {"Website", "Сайт", "Webbplats"},
			FieldIndustry:      {"Industry", "Отрасль", "Bransch"},
			FieldSize:          {"Size", "Размер", "Storlek"},
			FieldStatus:        {"Status", "Статус"},
			FieldSource:        {"Source", "Источник", "Källa"},
			FieldTags:          {"Tags", "Теги", "Метки", "Taggar"},
			FieldAccountNotes:  {"Notes", "Заметки", "Anteckningar"},
			FieldContactName:   {"Contact", "Contact name", "Контакт", "Kontakt", "Kontaktperson"},
			FieldPosition:      {"Position", "Должность", "Befattning", "Roll"},
			FieldDecisionMaker: {"Decision maker", "ЛПР", "Beslutsfattare"},
			FieldContactPhone:  {"Phone", "Телефон", "Telefon"},
			FieldContactEmail:  {"Email", "E-mail", "Эл. почта", "E-post"},
			FieldContactNotes:  {"Contact notes", "Заметки о контакте", "Kontaktanteckningar"},
		}),
	}
})

// PresetByKey finds a preset.
func PresetByKey(key string) (Preset, bool) {
	for _, p := range Presets() {
		if p.Key == key {
			return p, true
		}
	}
	return Preset{}, false
}

// Map maps a header by the preset: a column whose header the preset does
// not know is ignored.
func (p Preset) Map(header []string) Mapping {
	m := make(Mapping, len(header))
	taken := map[ImportField]bool{}
	for j, h := range header {
		f := p.Headers[headerKey(h)]
		if f != FieldIgnore && taken[f] && !f.multi() {
			f = FieldIgnore // the first column of a field wins
		}
		taken[f] = true
		m[j] = f
	}
	return m
}

// DetectPreset finds the preset of a header: the one that maps the most
// columns, among those that map a column to the account's name and at
// least half the columns of the file or three of them. ok is false when
// none fits; the file is then mapped by hand.
func DetectPreset(header []string) (Preset, Mapping, bool) {
	best, bestN := -1, 0
	var bestM Mapping
	for i, p := range Presets() {
		m := p.Map(header)
		n, hasName := 0, false
		for _, f := range m {
			if f != FieldIgnore {
				n++
			}
			hasName = hasName || f == FieldAccountName
		}
		if !hasName || (n < 3 && 2*n < len(header)) {
			continue
		}
		if n > bestN {
			best, bestN, bestM = i, n, m
		}
	}
	if best < 0 {
		return Preset{}, nil, false
	}
	return Presets()[best], bestM, true
}

// Deal and activity exports (import_pipeline.go). Where the layouts come
// from (the sample files in internal/importer/testdata/sales follow them):
//   - Kommo/amoCRM: the leads list export ("Сделки" → "Экспорт"): ID,
//     Название сделки / Lead name, Бюджет / Budget, Ответственный /
//     Responsible user, Этап сделки / Stage, Компания / Company, Дата
//     создания / Created at, Дата закрытия / Closed at, Причина отказа /
//     Loss reason, and the contact's Рабочий телефон / Рабочий email.
//   - Bitrix24: the deals list export (CSV, ";" and a ";" ending every line,
//     one line per product row of a deal, the deal's fields repeated): ID,
//     Название / Title, Стадия сделки / Stage, Сумма / Amount (the deal's
//     total, OPPORTUNITY), Валюта / Currency, Ответственный / Responsible,
//     Компания / Company, Предполагаемая дата закрытия / Expected close
//     date, Дата создания / Created, Товар / Product, Цена / Price,
//     Количество / Quantity (dev.1c-bitrix.ru crm.deal.fields and
//     crm.deal.productrows).
//   - HubSpot: the deals export writes the property labels: Record ID, Deal
//     Name, Amount, Close Date, Deal Stage, Deal owner, Create Date,
//     Currency, Closed Lost Reason, Associated Company.
//   - Pipedrive: "Deal - ID", "Deal - Title", "Deal - Value", "Deal -
//     Currency", "Deal - Expected close date", "Deal - Stage", "Deal -
//     Owner", "Deal - Lost reason", "Deal - Deal created", "Organization -
//     Name".
//   - Activities: no CRM preset. Their exports split what a call is over
//     columns Tandem would have to guess at (Pipedrive: a due date and a
//     due time in two columns, a duration as hh:mm where a dialer writes
//     m:ss); the plain headers of the "tandem" preset (English, Russian,
//     Swedish) are mapped, anything else by hand.

// DealPresets are the known layouts of deal exports.
var DealPresets = sync.OnceValue(func() []Preset {
	return []Preset{
		preset("amocrm", map[ImportField][]string{
			FieldDealID:         {"ID"},
			FieldDealTitle:      {"Название сделки", "Lead name", "Deal name"},
			FieldDealAmount:     {"Бюджет", "Budget", "Sale"},
			FieldDealOwner:      {"Ответственный", "Responsible user", "Responsible"},
			FieldDealStage:      {"Этап сделки", "Этап", "Stage", "Lead status"},
			FieldAccountName:    {"Компания", "Company"},
			FieldDealCreated:    {"Дата создания", "Created at", "Date created"},
			FieldDealCloseOn:    {"Дата закрытия", "Closed at", "Closing date"},
			FieldDealLostReason: {"Причина отказа", "Loss reason"},
			FieldContactPhone:   {"Рабочий телефон", "Мобильный телефон", "Work phone", "Mobile phone"},
			FieldContactEmail:   {"Рабочий email", "Work email"},
			FieldRegNumber:      {"ИНН", "INN", "TIN"},
		}),
		preset("bitrix24", map[ImportField][]string{
			FieldDealID:         {"ID"},
			FieldDealTitle:      {"Название", "Название сделки", "Title", "Deal name"},
			FieldDealStage:      {"Стадия сделки", "Стадия", "Stage", "Deal stage"},
			FieldDealAmount:     {"Сумма", "Amount", "Opportunity"},
			FieldDealCurrency:   {"Валюта", "Currency"},
			FieldDealOwner:      {"Ответственный", "Responsible", "Responsible person"},
			FieldAccountName:    {"Компания", "Название компании", "Company"},
			FieldRegNumber:      {"ИНН", "Реквизит ИНН", "INN"},
			FieldDealCloseOn:    {"Предполагаемая дата закрытия", "Дата завершения", "Expected close date", "End date"},
			FieldDealCreated:    {"Дата создания", "Created", "Date created"},
			FieldDealLostReason: {"Причина проигрыша", "Loss reason"},
			FieldContactPhone:   {"Рабочий телефон", "Work phone"},
			FieldContactEmail:   {"Рабочий e-mail", "Work e-mail"},
		}),
		preset("hubspot", map[ImportField][]string{
			FieldDealID:         {"Record ID"},
			FieldDealTitle:      {"Deal Name"},
			FieldDealAmount:     {"Amount"},
			FieldDealCurrency:   {"Currency"},
			FieldDealCloseOn:    {"Close Date"},
			FieldDealStage:      {"Deal Stage"},
			FieldDealOwner:      {"Deal owner", "Deal Owner Email"},
			FieldDealCreated:    {"Create Date"},
			FieldDealLostReason: {"Closed Lost Reason"},
			FieldAccountName:    {"Associated Company", "Company Name"},
			FieldRegNumber:      {"Registration number", "Org nr"},
		}),
		preset("pipedrive", map[ImportField][]string{
			FieldDealID:         {"Deal - ID"},
			FieldDealTitle:      {"Deal - Title"},
			FieldDealAmount:     {"Deal - Value"},
			FieldDealCurrency:   {"Deal - Currency"},
			FieldDealCloseOn:    {"Deal - Expected close date"},
			FieldDealStage:      {"Deal - Stage"},
			FieldDealOwner:      {"Deal - Owner"},
			FieldDealLostReason: {"Deal - Lost reason"},
			FieldDealCreated:    {"Deal - Deal created"},
			FieldAccountName:    {"Organization - Name", "Deal - Organization"},
			FieldContactPhone:   {"Person - Phone", "Person - Phone - Work"},
			FieldContactEmail:   {"Person - Email", "Person - Email - Work"},
		}),
		preset("tandem", map[ImportField][]string{
			FieldDealID:         {"Deal ID", "ID сделки", "Affärs-ID"},
			FieldDealTitle:      {"Deal", "Title", "Сделка", "Название", "Affär", "Titel"},
			FieldDealAmount:     {"Amount", "Сумма", "Belopp"},
			FieldDealCurrency:   {"Currency", "Валюта", "Valuta"},
			FieldDealCloseOn:    {"Expected close", "Ожидаемое закрытие", "Förväntat avslut"},
			FieldDealStage:      {"Stage", "Этап", "Steg"},
			FieldDealOwner:      {"Owner", "Ответственный", "Ansvarig"},
			FieldDealLostReason: {"Lost reason", "Причина проигрыша", "Förlustorsak"},
			FieldDealCreated:    {"Created", "Создана", "Skapad"},
			FieldAccountName:    {"Account", "Company", "Аккаунт", "Компания", "Konto", "Företag"},
			FieldRegNumber:      {"Registration number", "Org nr", "ИНН"},
			FieldContactPhone:   {"Phone", "Телефон", "Telefon"},
			FieldContactEmail:   {"Email", "E-mail", "E-post"},
		}),
	}
})

// ActivityPresets are the known layouts of activity exports.
var ActivityPresets = sync.OnceValue(func() []Preset {
	return []Preset{
		preset("tandem", map[ImportField][]string{
			FieldActKind:      {"Type", "Kind", "Тип", "Typ"},
			FieldActAt:        {"Time", "Date", "Время", "Дата", "Tid", "Datum"},
			FieldActDirection: {"Direction", "Направление", "Riktning"},
			FieldActOutcome:   {"Outcome", "Status", "Результат", "Статус", "Utfall"},
			FieldActDuration:  {"Duration", "Длительность", "Längd"},
			FieldActAgent:     {"Agent", "Агент", "Ответственный", "Handläggare"},
			FieldActNotes:     {"Notes", "Comment", "Заметки", "Комментарий", "Anteckningar"},
			FieldAccountName:  {"Account", "Company", "Аккаунт", "Компания", "Konto", "Företag"},
			FieldRegNumber:    {"Registration number", "Org nr", "ИНН"},
			FieldContactPhone: {"Phone", "Телефон", "Telefon"},
			FieldContactEmail: {"Email", "E-mail", "E-post"},
		}),
	}
})

// DetectPresetFor finds the preset of a deal or activity file's header:
// the one that maps the most columns, among those that map the deal's
// title (the activity's kind) and three columns or half of the file's.
func DetectPresetFor(k ImportKind, header []string) (Preset, Mapping, bool) {
	if k == ImportBase {
		return DetectPreset(header)
	}
	presets, need := DealPresets(), FieldDealTitle
	if k == ImportActivities {
		presets, need = ActivityPresets(), FieldActKind
	}
	best, bestN := -1, 0
	var bestM Mapping
	for i, p := range presets {
		m := p.Map(header)
		n, has := 0, false
		for _, f := range m {
			if f != FieldIgnore {
				n++
			}
			has = has || f == need
		}
		if !has || (n < 3 && 2*n < len(header)) {
			continue
		}
		if n > bestN {
			best, bestN, bestM = i, n, m
		}
	}
	if best < 0 {
		return Preset{}, nil, false
	}
	return presets[best], bestM, true
}
