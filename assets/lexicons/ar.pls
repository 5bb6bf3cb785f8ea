<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' Arabic facts are read, by Amazon Polly (PutLexicon, rendered for each
     voice's language code: Zeina is "arb") and by espeak-ng (the aliases substituted into the
     text). Aliases only: both engines must read a word the same way. Arabic writes loanwords in
     Arabic script, so every Latin-script word of the deck has an Arabic-script reading, as the
     word is said in English by Arabic-speaking developers. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="ar">
  <lexeme><grapheme>.NET</grapheme><alias>دوت نت</alias></lexeme>
  <lexeme><grapheme>Amazon</grapheme><alias>أمازون</alias></lexeme>
  <lexeme><grapheme>API Gateway</grapheme><alias>إيه بي آي غيتواي</alias></lexeme>
  <lexeme><grapheme>Arm</grapheme><alias>آرم</alias></lexeme>
  <lexeme><grapheme>Aurora</grapheme><alias>أورورا</alias></lexeme>
  <lexeme><grapheme>AWS</grapheme><alias>إيه دبليو إس</alias></lexeme>
  <lexeme><grapheme>Batch</grapheme><alias>باتش</alias></lexeme>
  <lexeme><grapheme>CloudFormation</grapheme><alias>كلاود فورميشن</alias></lexeme>
  <lexeme><grapheme>DynamoDB</grapheme><alias>داينمو دي بي</alias></lexeme>
  <lexeme><grapheme>EC2</grapheme><alias>إي سي تو</alias></lexeme>
  <lexeme><grapheme>ECR</grapheme><alias>إي سي آر</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>إي سي إس</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>إي كيه إس</alias></lexeme>
  <lexeme><grapheme>Fargate</grapheme><alias>فارغيت</alias></lexeme>
  <lexeme><grapheme>Go</grapheme><alias>غو</alias></lexeme>
  <lexeme><grapheme>Graviton</grapheme><alias>غرافيتون</alias></lexeme>
  <lexeme><grapheme>guided</grapheme><alias>غايديد</alias></lexeme>
  <lexeme><grapheme>HTTPS</grapheme><alias>إتش تي تي بي إس</alias></lexeme>
  <lexeme><grapheme>Java</grapheme><alias>جافا</alias></lexeme>
  <lexeme><grapheme>JSON</grapheme><alias>جيسون</alias></lexeme>
  <lexeme><grapheme>Lambda</grapheme><alias>لامدا</alias></lexeme>
  <lexeme><grapheme>MySQL</grapheme><alias>ماي إس كيو إل</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>نود جي إس</alias></lexeme>
  <lexeme><grapheme>pod</grapheme><alias>بود</alias></lexeme>
  <lexeme><grapheme>Polly</grapheme><alias>بولي</alias></lexeme>
  <lexeme><grapheme>Python</grapheme><alias>بايثون</alias></lexeme>
  <lexeme><grapheme>RDS</grapheme><alias>آر دي إس</alias></lexeme>
  <lexeme><grapheme>RDS for PostgreSQL</grapheme><alias>آر دي إس فور بوستغريس كيو إل</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>ري إنفنت</alias></lexeme>
  <lexeme><grapheme>Ruby</grapheme><alias>روبي</alias></lexeme>
  <lexeme><grapheme>Rust</grapheme><alias>رست</alias></lexeme>
  <lexeme><grapheme>S3</grapheme><alias>إس ثري</alias></lexeme>
  <lexeme><grapheme>SAM</grapheme><alias>سام</alias></lexeme>
  <lexeme><grapheme>sam build</grapheme><alias>سام بيلد</alias></lexeme>
  <lexeme><grapheme>sam deploy</grapheme><alias>سام ديبلوي</alias></lexeme>
  <lexeme><grapheme>SDK</grapheme><alias>إس دي كيه</alias></lexeme>
  <lexeme><grapheme>Serverless</grapheme><alias>سيرفرلس</alias></lexeme>
  <lexeme><grapheme>Serverless Application Model</grapheme><alias>سيرفرلس أبليكيشن موديل</alias></lexeme>
  <lexeme><grapheme>SNS</grapheme><alias>إس إن إس</alias></lexeme>
  <lexeme><grapheme>SQL</grapheme><alias>إس كيو إل</alias></lexeme>
  <lexeme><grapheme>SQS</grapheme><alias>إس كيو إس</alias></lexeme>
  <lexeme><grapheme>Step Functions</grapheme><alias>ستيب فنكشنز</alias></lexeme>
  <lexeme><grapheme>URL</grapheme><alias>يو آر إل</alias></lexeme>
  <lexeme><grapheme>X-Ray</grapheme><alias>إكس راي</alias></lexeme>
  <lexeme><grapheme>x86</grapheme><alias>إكس ستة وثمانين</alias></lexeme>
  <lexeme><grapheme>zip</grapheme><alias>زيب</alias></lexeme>
</lexicon>
