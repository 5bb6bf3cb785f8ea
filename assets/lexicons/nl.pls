<?xml version="1.0" encoding="UTF-8"?>
<!-- How Serverless Facts' Dutch facts are read, by Amazon Polly (PutLexicon, rendered for each
     voice's language code) and by espeak-ng (the aliases substituted into the text). Aliases
     only: both engines must read a word the same way. -->
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="nl">
  <lexeme><grapheme>.NET</grapheme><alias>dot net</alias></lexeme>
  <lexeme><grapheme>autoscaling</grapheme><alias>ootooskeeling</alias></lexeme>
  <lexeme><grapheme>AWS</grapheme><alias>A W S</alias></lexeme>
  <lexeme><grapheme>backend</grapheme><alias>bekkend</alias></lexeme>
  <lexeme><grapheme>bucket</grapheme><alias>bukkit</alias></lexeme>
  <lexeme><grapheme>build</grapheme><alias>bild</alias></lexeme>
  <lexeme><grapheme>clients</grapheme><alias>klaajents</alias></lexeme>
  <lexeme><grapheme>deploy</grapheme><alias>dieploi</alias></lexeme>
  <lexeme><grapheme>EC2</grapheme><alias>E C 2</alias></lexeme>
  <lexeme><grapheme>ECR</grapheme><alias>E C R</alias></lexeme>
  <lexeme><grapheme>ECS</grapheme><alias>E C S</alias></lexeme>
  <lexeme><grapheme>EKS</grapheme><alias>E K S</alias></lexeme>
  <lexeme><grapheme>guided</grapheme><alias>gaaidid</alias></lexeme>
  <lexeme><grapheme>handler</grapheme><alias>hendler</alias></lexeme>
  <lexeme><grapheme>image</grapheme><alias>immitsj</alias></lexeme>
  <lexeme><grapheme>images</grapheme><alias>immitsjes</alias></lexeme>
  <lexeme><grapheme>JSON</grapheme><alias>djeesen</alias></lexeme>
  <lexeme><grapheme>loadbalancer</grapheme><alias>loodbelenser</alias></lexeme>
  <lexeme><grapheme>MySQL</grapheme><alias>Mai es kuu el</alias></lexeme>
  <lexeme><grapheme>Node.js</grapheme><alias>Nood djee es</alias></lexeme>
  <lexeme><grapheme>on-demand</grapheme><alias>on diemaand</alias></lexeme>
  <lexeme><grapheme>PostgreSQL</grapheme><alias>Postgres kuu el</alias></lexeme>
  <lexeme><grapheme>re:Invent</grapheme><alias>rie invent</alias></lexeme>
  <lexeme><grapheme>resources</grapheme><alias>riezorsis</alias></lexeme>
  <lexeme><grapheme>runtime</grapheme><alias>runtaim</alias></lexeme>
  <lexeme><grapheme>runtimes</grapheme><alias>runtaims</alias></lexeme>
  <lexeme><grapheme>SAM</grapheme><alias>Sam</alias></lexeme>
  <lexeme><grapheme>URL's</grapheme><alias>uu er els</alias></lexeme>
  <lexeme><grapheme>x86</grapheme><alias>iks zesentachtig</alias></lexeme>
  <lexeme><grapheme>X-Ray</grapheme><alias>Eks Ree</alias></lexeme>
</lexicon>
